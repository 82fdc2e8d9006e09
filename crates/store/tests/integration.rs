//! The store's suite: every case runs against SQLite (a temporary file) and
//! PostgreSQL (a fresh database per case; see `suite::harness`).

mod suite;
