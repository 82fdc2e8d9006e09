-- 导入 — which rows of which department file are in: one row per (file hash, row
-- number) that an import added, written in the same transaction as the row's
-- event, so that importing a file again (or again after a crash) adds nothing.
CREATE TABLE import_rows (
    sha256   TEXT NOT NULL,
    file_row INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (sha256, file_row)
);
