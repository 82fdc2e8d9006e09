-- 计数包: a person as the indicator engine counts them, packed (see src/pack.rs).
-- Derived from `persons` and `facts` in the same transaction; read at start-up.
CREATE TABLE person_packs (
    person BIGINT PRIMARY KEY REFERENCES persons (id),
    pack   BYTEA NOT NULL
);
