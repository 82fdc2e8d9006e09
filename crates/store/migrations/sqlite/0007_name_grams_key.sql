-- 姓名索引 in one B-tree: `name_grams` (0005) kept its rows in a rowid table and
-- again, every column, in the covering index `name_grams_key`, so every gram was
-- stored twice. Here the table itself is the tree, ordered by its key (gram,
-- name, person), which is the order the queries read (a gram's rows by name and
-- person); the unit rides along beside the key, read to keep to the viewer's
-- subtree. A person has one row per gram, so the key is unique; a repeated row,
-- which no writer makes, is kept once. The rows move over in key order, which is
-- the old index's order (no sort).
CREATE TABLE name_grams_by_key (
    gram   INTEGER NOT NULL,
    name   TEXT NOT NULL,
    person INTEGER NOT NULL,
    unit   INTEGER NOT NULL,
    PRIMARY KEY (gram, name, person)
) WITHOUT ROWID;
INSERT OR IGNORE INTO name_grams_by_key (gram, name, person, unit)
    SELECT gram, name, person, unit FROM name_grams ORDER BY gram, name, person;
DROP TABLE name_grams;
ALTER TABLE name_grams_by_key RENAME TO name_grams;
