-- 导入记录 — the import runs a user made, newest first (`Store::import_runs`):
-- the log's events that name no person and came from an import, by actor.
-- That is each run's own record, and the values a statistics file reported;
-- the rows of a file about persons, nearly all of an import's events, name
-- their person and stay out of this partial index, so it costs a large import
-- nothing.
CREATE INDEX events_import_runs ON events (actor, seq)
    WHERE person IS NULL AND channel = 'import';
