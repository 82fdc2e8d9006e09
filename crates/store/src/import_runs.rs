//! 导入记录 — the import runs (`import_runs`): each run's event, its maker and
//! their unit, and the rows it refused, so that a run's report outlives the
//! server that ran it and a history is read without scanning the log. A reason
//! may quote a cell, and a cell may hold an ID number: the refused rows are kept
//! as JSON, deflated, then encrypted by the vault.

use std::io::{Read, Write};

use domain::access::User;
use domain::event::{Change, Event, RowError};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::journal;
use crate::sql::{Sql, Val, first};
use crate::vault::Vault;
use crate::{ImportRecord, ImportReport, StoreError};

const WHAT: &str = "an import's report";

/// Keeps the run recorded by `event` (numbered `seq`) and `errors`, the rows
/// it refused.
pub(crate) fn write(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    event: &Event,
    errors: &[RowError],
) -> Result<(), StoreError> {
    let sealed = (!errors.is_empty()).then(|| {
        let json = serde_json::to_vec(errors).expect("row errors serialise to JSON");
        let mut deflate = DeflateEncoder::new(Vec::new(), Compression::fast());
        deflate
            .write_all(&json)
            .expect("deflating into memory cannot fail");
        let deflated = deflate.finish().expect("deflating into memory cannot fail");
        vault.encrypt_bytes(&deflated)
    });
    tx.exec(
        "INSERT INTO import_runs (seq, actor, unit, errors) VALUES (?1, ?2, ?3, ?4)",
        &[
            seq.into(),
            event.actor.into(),
            event.unit.into(),
            Val::OptBlob(sealed.map(Into::into)),
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
        (limit as i64).into(),
    ];
    crate::sql::rows(tx, &sql, &params, |row| {
        let event = journal::event_row(row, vault)?;
        let Change::Import { summary } = event.change else {
            return Err(StoreError::Database(format!(
                "import run {} is recorded by an event of another kind",
                event.seq
            )));
        };
        Ok(ImportRecord {
            seq: event.seq,
            actor: event.actor,
            sender: row.opt_text(journal::EVENT_ROW_WIDTH)?.unwrap_or_default(),
            at: event.at,
            summary,
        })
    })
}

/// The run recorded by event `seq`, with its refused rows, if `viewer` made it.
pub(crate) fn read(
    tx: &mut dyn Sql,
    vault: &Vault,
    viewer: &User,
    seq: i64,
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
    let sealed = first(
        tx,
        "SELECT errors FROM import_runs WHERE seq = ?1",
        &[Val::from(seq)],
        |row| Ok(row.opt_blob(0)?.map(<[u8]>::to_vec)),
    )?;
    let errors = match sealed.flatten() {
        None => Vec::new(),
        Some(sealed) => {
            let deflated = vault.decrypt_bytes(&sealed, WHAT)?;
            let mut json = Vec::new();
            DeflateDecoder::new(deflated.as_slice())
                .read_to_end(&mut json)
                .map_err(|e| StoreError::Database(format!("inflating {WHAT}: {e}")))?;
            serde_json::from_slice(&json)
                .map_err(|e| StoreError::Database(format!("reading {WHAT}: {e}")))?
        }
    };
    Ok(ImportReport {
        seq,
        at: event.at,
        summary,
        errors,
    })
}
