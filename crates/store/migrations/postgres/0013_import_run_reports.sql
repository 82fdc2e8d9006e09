-- 导入记录 — every import run (a dry run too) by the event that records it
-- (`events.seq`), with its maker and their unit as the event has them, and the
-- rows it refused: their numbers, columns and reasons as JSON, deflated and
-- encrypted by the vault (a reason may quote a cell), NULL when it refused none.
-- The history of a user's runs, or of every run in an officer's area, is read
-- here rather than from the log, so that neither the rows of a file nor the
-- values a statistics file reported are scanned for it; the partial index of
-- 0012 that did so goes. Runs recorded before keep no bad rows.
CREATE TABLE import_runs (
    seq    BIGINT PRIMARY KEY,
    actor  BIGINT NOT NULL,
    unit   BIGINT NOT NULL,
    errors BYTEA
);
CREATE INDEX import_runs_actor ON import_runs (actor, seq);
CREATE INDEX import_runs_unit ON import_runs (unit, seq);
INSERT INTO import_runs (seq, actor, unit)
    SELECT seq, actor, unit FROM events
    WHERE person IS NULL AND channel = 'import'
      AND change ->> 'type' = 'import';
DROP INDEX events_import_runs;
