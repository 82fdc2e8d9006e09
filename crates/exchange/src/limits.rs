//! 限额 — how big a department file may be, checked before anything is unpacked.

/// Bounds on one file, and so on the memory its import takes. The defaults take
/// two million person rows as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of the file as sent.
    pub file_bytes: u64,
    /// The most data rows (blank rows and the header not counted). An import
    /// plans every row in memory before it writes them, about 1.7 GB a million
    /// person rows; a file of narrow rows would pass the byte limit with many
    /// more rows than a server can plan.
    pub rows: u64,
    /// The most bytes an XLSX (a zip) may unpack to, all its parts together.
    pub unpacked_bytes: u64,
    /// The most parts an XLSX may hold.
    pub zip_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 256 << 20,
            rows: 2_000_000,
            unpacked_bytes: 512 << 20,
            zip_entries: 1_000,
        }
    }
}
