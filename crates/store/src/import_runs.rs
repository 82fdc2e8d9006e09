//! 导入记录 — the import runs (`import_runs`): each run's event, its maker and
//! their unit, and the rows it refused (why, and their cells as the file gave
//! them), so that a run's report outlives the server that ran it and a history
//! is read without scanning the log. A cell may hold an ID number, and a reason
//! may quote one: the refused rows are kept as JSON, deflated, then encrypted
//! by the vault. Beside them the runs still unfinished (`import_unfinished`),
//! by their summary so far, until their record replaces them.

use std::io::{Read, Write};

use domain::access::User;
use domain::event::{Change, Event, ImportSummary, RefusedRow, RowError};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};

use crate::journal;
use crate::queries::{json_from, to_json};
use crate::sql::{Sql, Val};
use crate::vault::Vault;
use crate::{ImportRecord, ImportReport, RefusedPage, StoreError};

const WHAT: &str = "an import's report";

/// The refused rows of a run (a piece of them) as kept: why, and the rows
/// themselves.
#[derive(Serialize)]
struct Refused<'a> {
    errors: &'a [RowError],
    rows: &'a [RefusedRow],
}

/// The refused rows of a run as read: runs recorded before session 15 kept
/// only why, as a bare list.
#[derive(Deserialize)]
#[serde(untagged)]
enum Kept {
    Refused {
        errors: Vec<RowError>,
        rows: Vec<RefusedRow>,
    },
    Errors(Vec<RowError>),
}

/// Refused rows a piece of a run's report holds at most: a page of the
/// report reads the pieces it needs (see [`read`]).
const PIECE_ROWS: usize = 1_000;

/// Keeps the run recorded by `event` (numbered `seq`), `errors`, why it
/// refused rows, and `rows`, the rows it refused, both by row number.
pub(crate) fn write(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    event: &Event,
    errors: &[RowError],
    rows: &[RefusedRow],
) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO import_runs (seq, actor, unit) VALUES (?1, ?2, ?3)",
        &[seq.into(), event.actor.into(), event.unit.into()],
    )?;
    for (last_row, piece) in pieces(errors, rows) {
        tx.exec(
            "INSERT INTO import_run_refusals (seq, last_row, body) VALUES (?1, ?2, ?3)",
            &[
                seq.into(),
                row_number(last_row).into(),
                Val::Blob(seal(vault, &piece).into()),
            ],
        )?;
    }
    Ok(())
}

/// `errors` and `rows` (by row number) in pieces of at most [`PIECE_ROWS`]
/// refused rows, each with the last row it holds.
fn pieces<'a>(mut errors: &'a [RowError], mut rows: &'a [RefusedRow]) -> Vec<(u64, Refused<'a>)> {
    debug_assert!(errors.is_sorted_by_key(|e| e.row));
    let mut pieces = Vec::new();
    while let Some(first) = errors.first() {
        let (mut end, mut last, mut held) = (0, first.row, 0);
        while let Some(error) = errors.get(end) {
            if end == 0 || error.row != last {
                if held == PIECE_ROWS {
                    break;
                }
                held += 1;
            }
            last = error.row;
            end += 1;
        }
        let cells = rows.partition_point(|row| row.row <= last);
        pieces.push((
            last,
            Refused {
                errors: &errors[..end],
                rows: &rows[..cells],
            },
        ));
        (errors, rows) = (&errors[end..], &rows[cells..]);
    }
    pieces
}

/// A row number as the database keeps it (row numbers of files fit).
fn row_number(row: u64) -> i64 {
    i64::try_from(row).unwrap_or(i64::MAX)
}

/// A piece as kept: JSON, deflated, encrypted.
fn seal(vault: &Vault, piece: &Refused) -> Vec<u8> {
    let json = serde_json::to_vec(piece).expect("refused rows serialise to JSON");
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::fast());
    deflate
        .write_all(&json)
        .expect("deflating into memory cannot fail");
    let deflated = deflate.finish().expect("deflating into memory cannot fail");
    vault.encrypt_bytes(&deflated)
}

/// A piece as [`seal`] kept it, or as a run recorded before session 15 did.
fn open(vault: &Vault, sealed: &[u8]) -> Result<(Vec<RowError>, Vec<RefusedRow>), StoreError> {
    let deflated = vault.decrypt_bytes(sealed, WHAT)?;
    let mut json = Vec::new();
    DeflateDecoder::new(deflated.as_slice())
        .read_to_end(&mut json)
        .map_err(|e| StoreError::Database(format!("inflating {WHAT}: {e}")))?;
    let kept = serde_json::from_slice(&json)
        .map_err(|e| StoreError::Database(format!("reading {WHAT}: {e}")))?;
    Ok(match kept {
        Kept::Refused { errors, rows } => (errors, rows),
        Kept::Errors(errors) => (errors, Vec::new()),
    })
}

/// Forgets what an unfinished run of `actor`'s of the file `sha256` kept, in
/// the transaction that appends the record of a run of theirs that commits
/// the file's rows (and so finishes it: a dry run does not).
pub(crate) fn forget_unfinished(
    tx: &mut dyn Sql,
    actor: &User,
    sha256: &str,
) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM import_unfinished WHERE sha256 = ?1 AND actor = ?2",
        &[sha256.into(), actor.id.into()],
    )?;
    Ok(())
}

/// Keeps `summary`, a run of `actor`'s that has committed batches and not yet
/// its last, as unfinished at `at` (see [`crate::ImportListener::unfinished`]),
/// in place of what an earlier batch of it, or an earlier unfinished run of
/// the same file, kept.
pub(crate) fn keep_unfinished(
    tx: &mut dyn Sql,
    actor: &User,
    summary: &ImportSummary,
    at: jiff::Timestamp,
) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO import_unfinished (sha256, actor, unit, at, summary) \
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (sha256, actor) DO UPDATE \
         SET unit = excluded.unit, at = excluded.at, summary = excluded.summary",
        &[
            summary.sha256.as_str().into(),
            actor.id.into(),
            actor.unit.into(),
            at.into(),
            Val::Json(to_json(summary).into()),
        ],
    )?;
    Ok(())
}

/// The records of the import runs `viewer` may list (see
/// [`crate::Store::import_runs`]), newest first, at most `limit`.
pub(crate) fn list(
    tx: &mut dyn Sql,
    vault: &Vault,
    viewer: &User,
    limit: usize,
) -> Result<Vec<ImportRecord>, StoreError> {
    // An empty range for a viewer who lists their own runs only.
    let (low, high) = if viewer.may_watch_imports() {
        viewer.unit.subtree_range()
    } else {
        (1, 0)
    };
    let mut runs = crate::sql::rows(
        tx,
        "SELECT n.actor, n.at, n.summary, u.name FROM import_unfinished n \
         LEFT JOIN users u ON u.id = n.actor \
         WHERE n.actor = ?1 OR n.unit BETWEEN ?2 AND ?3 ORDER BY n.at DESC LIMIT ?4",
        &[
            viewer.id.into(),
            (low as i64).into(),
            (high as i64).into(),
            (limit as i64).into(),
        ],
        |row| {
            Ok(ImportRecord {
                seq: None,
                actor: row.int(0)?,
                sender: row.opt_text(3)?.unwrap_or_default(),
                at: row.time(1)?,
                summary: json_from(row.str(2)?, "import_unfinished.summary")?,
            })
        },
    )?;
    let sql = format!(
        "SELECT run.*, u.name FROM ({} JOIN import_runs r ON r.seq = e.seq \
         WHERE r.actor = ?1 OR r.unit BETWEEN ?2 AND ?3 ORDER BY r.seq DESC LIMIT ?4) run \
         LEFT JOIN users u ON u.id = run.actor ORDER BY run.seq DESC",
        journal::EVENT
    );
    let params = [
        viewer.id.into(),
        (low as i64).into(),
        (high as i64).into(),
        ((limit - runs.len()) as i64).into(),
    ];
    let recorded = crate::sql::rows(tx, &sql, &params, |row| {
        let event = journal::event_row(row, vault)?;
        let Change::Import { summary } = event.change else {
            return Err(StoreError::Database(format!(
                "import run {} is recorded by an event of another kind",
                event.seq
            )));
        };
        Ok(ImportRecord {
            seq: Some(event.seq),
            actor: event.actor,
            sender: row.opt_text(journal::EVENT_ROW_WIDTH)?.unwrap_or_default(),
            at: event.at,
            summary,
        })
    })?;
    runs.extend(recorded);
    Ok(runs)
}

/// The run recorded by event `seq`, with the `page` of its refused rows, if
/// `viewer` made it.
pub(crate) fn read(
    tx: &mut dyn Sql,
    vault: &Vault,
    viewer: &User,
    seq: i64,
    page: RefusedPage,
) -> Result<ImportReport, StoreError> {
    let not_found = || StoreError::NotFound {
        what: "import",
        key: seq.to_string(),
    };
    let event = journal::event(tx, vault, seq)?.ok_or_else(not_found)?;
    let Change::Import { summary } = event.change else {
        return Err(not_found());
    };
    if event.actor != viewer.id {
        return Err(not_found());
    }
    // The page's pieces, the first perhaps begun before it, and the next, to
    // tell whether rows follow it.
    let wanted = (page.limit / PIECE_ROWS).saturating_add(2);
    let sealed = crate::sql::rows(
        tx,
        "SELECT body FROM import_run_refusals WHERE seq = ?1 AND last_row > ?2 \
         ORDER BY last_row LIMIT ?3",
        &[
            seq.into(),
            row_number(page.after).into(),
            i64::try_from(wanted).unwrap_or(i64::MAX).into(),
        ],
        |row| Ok(row.blob(0)?.to_vec()),
    )?;
    let (mut errors, mut rows, mut more_after) = (Vec::<RowError>::new(), Vec::new(), None);
    let mut held = 0;
    'pieces: for sealed in sealed {
        let (piece_errors, piece_rows) = open(vault, &sealed)?;
        rows.extend(piece_rows);
        for error in piece_errors.into_iter().filter(|e| e.row > page.after) {
            if errors.last().is_none_or(|last| last.row != error.row) {
                if held == page.limit {
                    more_after = Some(errors.last().map_or(page.after, |last| last.row));
                    break 'pieces;
                }
                held += 1;
            }
            errors.push(error);
        }
    }
    let last = errors.last().map_or(page.after, |last| last.row);
    rows.retain(|row: &RefusedRow| row.row > page.after && row.row <= last);
    Ok(ImportReport {
        seq,
        at: event.at,
        summary,
        errors,
        rows,
        more_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_kept_before_its_rows_were_reads_as_its_reasons_alone() {
        let kept = r#"[{"row":2,"column":"姓名","zh":"甲","en":"a"}]"#;
        let kept: Kept = serde_json::from_str(kept).unwrap();
        assert!(matches!(kept, Kept::Errors(errors) if errors.len() == 1));
    }
}
