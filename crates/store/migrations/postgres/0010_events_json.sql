-- 日志原文 — the log keeps each change's JSON as written: `json`, checked for
-- its syntax and stored as text, where `jsonb` took every event apart into its
-- binary tree on the way in (a 1,000,000-row import spent about a fifth of its
-- time there) and gave back a reordered text. Nothing queries inside the log;
-- every reader decodes the whole change in Rust.
ALTER TABLE events
    ALTER COLUMN change TYPE json,
    ALTER COLUMN source_detail TYPE json;
