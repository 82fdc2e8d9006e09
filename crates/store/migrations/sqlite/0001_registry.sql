-- Anju's registry, SQLite. Dates are 'YYYY-MM-DD' text, times fixed-width UTC
-- text ('YYYY-MM-DDTHH:MM:SS.ffffffZ'), division codes their 12-digit number,
-- JSON is text. ID numbers are kept only encrypted (id_cipher) and as a keyed
-- blind index (id_index).

CREATE TABLE settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    city          INTEGER NOT NULL,
    migrant_rule  TEXT NOT NULL,
    units_version INTEGER NOT NULL
);

CREATE TABLE units (
    code       INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    parent     INTEGER REFERENCES units (code),
    valid_from TEXT,
    valid_to   TEXT,
    successor  INTEGER
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit          INTEGER NOT NULL,
    department    TEXT,
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    expires    TEXT NOT NULL
);

CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    id_cipher     BLOB NOT NULL,
    id_index      BLOB NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    sex           TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    hukou         INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    left_on       TEXT,
    unit          INTEGER NOT NULL
);
CREATE INDEX persons_unit ON persons (unit);

CREATE TABLE facts (
    id       INTEGER PRIMARY KEY,
    person   INTEGER NOT NULL REFERENCES persons (id),
    kind     TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day   TEXT,
    unit     INTEGER,
    record   INTEGER,
    detail   TEXT NOT NULL
);
CREATE INDEX facts_person ON facts (person);
CREATE INDEX facts_kind_from ON facts (kind, from_day);

CREATE TABLE family_links (
    person   INTEGER NOT NULL REFERENCES persons (id),
    relative INTEGER NOT NULL REFERENCES persons (id),
    relation TEXT NOT NULL,
    PRIMARY KEY (person, relative, relation)
);
CREATE INDEX family_links_relative ON family_links (relative);

CREATE TABLE records (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    unit     INTEGER NOT NULL,
    from_day TEXT NOT NULL,
    to_day   TEXT,
    detail   TEXT NOT NULL
);
CREATE INDEX records_unit ON records (unit);
CREATE INDEX records_kind_unit ON records (kind, unit);

-- The log: appended, never changed.
CREATE TABLE events (
    seq    INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  INTEGER NOT NULL,
    unit   INTEGER NOT NULL,
    person INTEGER,
    source TEXT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX events_person ON events (person, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;

CREATE TABLE person_views (
    id     INTEGER PRIMARY KEY,
    viewer INTEGER NOT NULL REFERENCES users (id),
    person INTEGER NOT NULL REFERENCES persons (id),
    at     TEXT NOT NULL,
    what   TEXT NOT NULL
);
CREATE INDEX person_views_person ON person_views (person, at);
