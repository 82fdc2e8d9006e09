-- 导入报告 — the rows an import run refused, beside the event that records the
-- run (`events.seq`), so that its report outlives the server that ran it: the
-- rows' numbers, columns and reasons as JSON, deflated and encrypted by the
-- vault (a reason may quote a cell). A run that refused no row has none.
CREATE TABLE import_reports (
    seq    INTEGER PRIMARY KEY,
    errors BLOB NOT NULL
);
