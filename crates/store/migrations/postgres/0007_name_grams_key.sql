-- 姓名索引 keyed: `name_grams` (0005) had a covering index `name_grams_key`
-- repeating every column. The table gets a primary key (gram, name, person)
-- instead, the order the queries read (a gram's rows by name and person), with
-- the unit beside the key, as in SQLite, where the table is that key's B-tree
-- (WITHOUT ROWID). PostgreSQL keeps its rows in a heap beside the key's index,
-- which is what it had. A person has one row per gram, so the key is unique; a
-- repeated row, which no writer makes, is kept once.
DELETE FROM name_grams AS later USING name_grams AS earlier
    WHERE later.gram = earlier.gram AND later.name = earlier.name
      AND later.person = earlier.person AND later.ctid > earlier.ctid;
ALTER TABLE name_grams ADD CONSTRAINT name_grams_pkey PRIMARY KEY (gram, name, person);
DROP INDEX name_grams_key;
