-- 人员分段 — new persons a large import registered, kept packed: a row per
-- piece of at most 65,536 persons, numbered `first_person ..` (persons),
-- `first_fact ..` (their residences, one each) and `first_seq ..` (their
-- registration events), `rows` of each. `keys` holds the blind indexes of
-- their ID numbers sorted, each with its slot; `ids` the ID numbers, sealed
-- together; `body` the other columns (see store::segment::piece). `stamp`
-- tells one piece from another written under the same number and rolled back.
-- A person whose number `persons` holds has moved out of its piece: the
-- tables answer for them from then on.
CREATE TABLE person_segments (
    id           INTEGER PRIMARY KEY,
    stamp        INTEGER NOT NULL,
    first_person INTEGER NOT NULL,
    first_fact   INTEGER NOT NULL,
    first_seq    INTEGER NOT NULL,
    rows         INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor        INTEGER NOT NULL,
    import_file  INTEGER NOT NULL REFERENCES import_files (id),
    keys         BLOB NOT NULL,
    ids          BLOB NOT NULL,
    body         BLOB NOT NULL
);
