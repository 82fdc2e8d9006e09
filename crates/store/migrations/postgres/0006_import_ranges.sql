-- 导入 — which rows of which department file are in, as ranges: a row per run of
-- consecutive rows one transaction added (first and last row number, inclusive),
-- written in that transaction, so that importing a file again (or again after a
-- crash) adds nothing. A million-row file imported whole is one row here, where
-- `import_rows` held a row (and an index entry) per file row.
CREATE TABLE import_ranges (
    sha256    TEXT NOT NULL,
    first_row BIGINT NOT NULL,
    last_row  BIGINT NOT NULL,
    PRIMARY KEY (sha256, first_row)
);
INSERT INTO import_ranges (sha256, first_row, last_row)
    SELECT sha256, file_row, file_row FROM import_rows;
DROP TABLE import_rows;
