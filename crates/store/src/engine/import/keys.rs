//! 导入键 — which rows of a file (by its SHA-256) imports added, kept as ranges of
//! row numbers in `import_ranges`, written in the transaction that adds the rows.
//!
//! A range covers the rows one transaction added one after another: a refused
//! row, or one added before, ends it. Rows of the file that never reach the
//! store (blank rows, rows with a bad cell) may fall inside a range; the same
//! bytes always give the same such rows, so a range can only mean "added".

use crate::StoreError;
use crate::sql::{Sql, Val, rows};

/// The rows of one file that imports added.
pub(super) struct Done {
    /// Inclusive, sorted, not overlapping.
    ranges: Vec<(u64, u64)>,
}

impl Done {
    /// Reads the ranges of the file with this hash.
    pub(super) fn read(tx: &mut dyn Sql, sha256: &str) -> Result<Self, StoreError> {
        let mut ranges = rows(
            tx,
            "SELECT first_row, last_row FROM import_ranges WHERE sha256 = ?1",
            &[sha256.into()],
            |row| Ok((row.int(0)? as u64, row.int(1)? as u64)),
        )?;
        ranges.sort_unstable();
        Ok(Done { ranges })
    }

    /// Whether an import added row `row`.
    pub(super) fn contains(&self, row: u64) -> bool {
        let after = self.ranges.partition_point(|(first, _)| *first <= row);
        after > 0 && self.ranges[after - 1].1 >= row
    }
}

/// Runs of added rows, built in row order.
#[derive(Default)]
pub(super) struct Runs {
    done: Vec<(u64, u64)>,
    open: Option<(u64, u64)>,
}

impl Runs {
    /// The next row was added (a row numbered below the run's last starts a
    /// new run: the ranges hold whatever order the rows came in).
    pub(super) fn added(&mut self, row: u64) {
        match self.open {
            Some((first, last)) if row > last => self.open = Some((first, row)),
            _ => {
                self.broken();
                self.open = Some((row, row));
            }
        }
    }

    /// The next row was not added: the run so far ends.
    pub(super) fn broken(&mut self) {
        self.done.extend(self.open.take());
    }

    /// Writes the runs as ranges of the file with this hash.
    pub(super) fn write(mut self, tx: &mut dyn Sql, sha256: &str) -> Result<(), StoreError> {
        self.broken();
        let values: Vec<Val<'_>> = self
            .done
            .iter()
            .flat_map(|(first, last)| {
                [sha256.into(), (*first as i64).into(), (*last as i64).into()]
            })
            .collect();
        tx.bulk(
            "import_ranges",
            &["sha256", "first_row", "last_row"],
            &mut std::iter::once(values),
            &mut drop,
        )?;
        Ok(())
    }
}
