-- 导入文件 — the department files whose rows are in the log, each once. An
-- imported row's event names its file here (`events.import_file`) and keeps
-- only its row number in `source_detail`, where it repeated the file's name and
-- SHA-256 (about 95 of the event's 450 bytes). Events written before keep them
-- in `source_detail`: the log is never rewritten. Not a foreign key, like the
-- log's other references: the writer adds the file in the event's transaction,
-- and checking it would cost a lookup per imported row.
CREATE TABLE import_files (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file   TEXT NOT NULL
);
CREATE UNIQUE INDEX import_files_key ON import_files (sha256, file);
ALTER TABLE events ADD COLUMN import_file INTEGER;
