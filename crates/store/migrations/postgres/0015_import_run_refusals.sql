-- 导入报告分页 — the rows an import run refused, kept in pieces of at most a
-- thousand rows (`last_row` the highest row number a piece holds), each as
-- JSON, deflated and encrypted by the vault as `import_runs.errors` kept them
-- whole: a report is read a page at a time, and a page reads the pieces it
-- needs, not a million refused rows. A run kept before is one piece, as if
-- its last row were the last there can be.
CREATE TABLE import_run_refusals (
    seq      BIGINT NOT NULL REFERENCES import_runs (seq),
    last_row BIGINT NOT NULL,
    body     BYTEA NOT NULL,
    PRIMARY KEY (seq, last_row)
);
INSERT INTO import_run_refusals (seq, last_row, body)
    SELECT seq, 9223372036854775807, errors FROM import_runs WHERE errors IS NOT NULL;
ALTER TABLE import_runs DROP COLUMN errors;
