-- 姓名索引: the grams of every person's name (each character, and each pair of
-- neighbouring characters, after store::name_index::normalise), so that a search
-- by part of a name reads the persons holding the query's rarest gram instead of
-- every name of the viewer's area. One row per person and gram, with the name (to
-- rank and page by it, and to check a longer query) and the person's unit (to
-- keep to the viewer's subtree without reading `persons`). Derived from
-- `persons` in the same transaction as every write that sets a name or a unit;
-- the store fills it for persons written before it existed (on opening).
--
-- A gram is an integer: a character's code point, or for a pair
-- 2^42 + (first << 21) + second. Names are kept in clear in `persons` already,
-- so the grams reveal nothing more. The name sorts by code point ("C"), as in
-- SQLite, so that both backends rank and page alike.
CREATE TABLE name_grams (
    gram   BIGINT NOT NULL,
    name   TEXT COLLATE "C" NOT NULL,
    person BIGINT NOT NULL,
    unit   BIGINT NOT NULL
);
-- The covering index below repeated every column; 0007 makes (gram, name,
-- person) the table's primary key instead and drops it.
CREATE INDEX name_grams_key ON name_grams (gram, name, person, unit);
