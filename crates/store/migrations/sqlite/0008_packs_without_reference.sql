-- 计数包 without a foreign key: a pack is derived from its person and facts in
-- the transaction that writes them, and the start-up scan reads it beside its
-- person (a pack without one is never read). Checking the reference cost one
-- lookup of the person per pack written. SQLite drops a foreign key by
-- building the table again.
CREATE TABLE person_packs_unreferenced (
    person INTEGER PRIMARY KEY,
    pack   BLOB NOT NULL
);
INSERT INTO person_packs_unreferenced (person, pack)
    SELECT person, pack FROM person_packs ORDER BY person;
DROP TABLE person_packs;
ALTER TABLE person_packs_unreferenced RENAME TO person_packs;
