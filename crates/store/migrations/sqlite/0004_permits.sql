-- 居住证: residence permit applications and the permits they become
-- (domain::permit::Permit). One row per application; each step of its life
-- updates the row and is appended to the log as a `permit` event.
CREATE TABLE permits (
    id         INTEGER PRIMARY KEY,
    person     INTEGER NOT NULL REFERENCES persons (id),
    unit       INTEGER NOT NULL,
    status     TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    number     TEXT,
    valid_from TEXT,
    valid_to   TEXT,
    edition    INTEGER NOT NULL,
    revoked_on TEXT
);
CREATE INDEX permits_person ON permits (person);
CREATE INDEX permits_number ON permits (number);
