-- Anju's registry, SQLite. Dates are 'YYYY-MM-DD' text, times integers
-- (microseconds since 1970-01-01T00:00:00Z), division codes their 12-digit
-- number, JSON is text. ID numbers are kept only encrypted (id_cipher) and as a
-- keyed blind index (id_index).
--
-- The same tables, columns and indexes as the PostgreSQL schema. Secondary
-- indexes are separate CREATE INDEX statements (no UNIQUE column constraints),
-- so that a bulk load into an empty database can drop them and build them once
-- at its end (see `deferred_indexes`).

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
    expires    INTEGER NOT NULL
);

CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    id_cipher     BLOB NOT NULL,
    id_index      BLOB NOT NULL,
    name          TEXT NOT NULL,
    sex           TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    hukou         INTEGER NOT NULL,
    registered_on TEXT NOT NULL,
    left_on       TEXT,
    unit          INTEGER NOT NULL
);
CREATE UNIQUE INDEX persons_id_index ON persons (id_index);
CREATE INDEX persons_unit ON persons (unit);

-- A fact's kind and what it says, in typed columns (see store::fact_codec):
-- `unit` the village of a residence; `record` the residence's place or the
-- employer of a job or contract; `value` the housing, insurance scheme, school
-- kind or permit number; `amount` a job's monthly wage in fen.
CREATE TABLE facts (
    id       INTEGER PRIMARY KEY,
    person   INTEGER NOT NULL REFERENCES persons (id),
    kind     TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day   TEXT,
    unit     INTEGER,
    record   INTEGER,
    value    TEXT,
    amount   INTEGER
);
CREATE INDEX facts_person ON facts (person);
-- The jobs at an employer: an employer's union changes what its employees count in.
CREATE INDEX facts_employer ON facts (record) WHERE kind = 'employment';

CREATE TABLE family_links (
    person   INTEGER NOT NULL REFERENCES persons (id),
    relative INTEGER NOT NULL REFERENCES persons (id),
    relation TEXT NOT NULL
);
CREATE UNIQUE INDEX family_links_key ON family_links (person, relative, relation);
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

-- Values reported for a unit and a period rather than derived from persons
-- (estimated migrants of a village, hotel guests verified in a district, …),
-- read by indicators as value(NAME). A later report of the same unit, name and
-- period replaces the value; the log keeps every report.
CREATE TABLE reported_values (
    unit     INTEGER NOT NULL,
    name     TEXT NOT NULL,
    from_day TEXT NOT NULL,
    to_day   TEXT NOT NULL,
    value    INTEGER NOT NULL,
    PRIMARY KEY (unit, name, from_day, to_day)
);

-- The log: appended, never changed. `channel` is the source's channel (station,
-- import, cli, demo) and `source_detail` the source's other fields as JSON (an
-- import's file, sha256 and row), NULL when it has none.
CREATE TABLE events (
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         INTEGER NOT NULL,
    unit          INTEGER NOT NULL,
    person        INTEGER,
    channel       TEXT NOT NULL,
    source_detail TEXT,
    change        TEXT NOT NULL
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
    at     INTEGER NOT NULL,
    what   TEXT NOT NULL
);
CREATE INDEX person_views_person ON person_views (person, at);

-- Secondary indexes that a bulk load into an empty database dropped, to build
-- them once at its end. A row left here means that load never finished: the
-- store refuses to open the database, which must be built again.
CREATE TABLE deferred_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
);
