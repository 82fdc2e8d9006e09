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
    id           BIGINT PRIMARY KEY,
    stamp        BIGINT NOT NULL,
    first_person BIGINT NOT NULL,
    first_fact   BIGINT NOT NULL,
    first_seq    BIGINT NOT NULL,
    rows         BIGINT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    actor        BIGINT NOT NULL,
    import_file  BIGINT NOT NULL REFERENCES import_files (id),
    keys         BYTEA NOT NULL,
    ids          BYTEA NOT NULL,
    body         BYTEA NOT NULL
);
