//! 限额 — how big a department file may be, checked before anything is unpacked.

/// Bounds on one file. The defaults take a million person rows as CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of the file as sent.
    pub file_bytes: u64,
    /// The most bytes an XLSX (a zip) may unpack to, all its parts together.
    pub unpacked_bytes: u64,
    /// The most parts an XLSX may hold.
    pub zip_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 256 << 20,
            unpacked_bytes: 512 << 20,
            zip_entries: 1_000,
        }
    }
}
