-- 未完成的导入 — a run that commits valid rows in batches, each batch in its
-- own transaction, between its first batch and its last: the run's summary as
-- the last batch so far left it (JSON), who runs it and their unit, and when
-- that batch was committed. The transaction of the run's record deletes it. A
-- run killed between batches and never run again stays here, so that the
-- history lists it as unfinished rather than not at all; running the same
-- file again (by the same user) finishes it, each row once.
CREATE TABLE import_unfinished (
    sha256  TEXT NOT NULL,
    actor   BIGINT NOT NULL,
    unit    BIGINT NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    summary JSONB NOT NULL,
    PRIMARY KEY (sha256, actor)
);
CREATE INDEX import_unfinished_unit ON import_unfinished (unit);
