//! 导入报告 — the rows an import run refused, kept beside the event that records
//! the run (`import_reports`), so that its report outlives the server that ran
//! it. A reason may quote a cell, and a cell may hold an ID number: the rows are
//! kept as JSON, deflated, then encrypted by the vault.

use std::io::{Read, Write};

use domain::access::User;
use domain::event::{Change, RowError};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::journal;
use crate::sql::{Sql, Val, first};
use crate::vault::Vault;
use crate::{ImportReport, StoreError};

const WHAT: &str = "an import's report";

/// Keeps `errors`, the rows the run recorded by event `seq` refused (nothing
/// when there are none).
pub(crate) fn write(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    errors: &[RowError],
) -> Result<(), StoreError> {
    if errors.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_vec(errors).expect("row errors serialise to JSON");
    let mut deflate = DeflateEncoder::new(Vec::new(), Compression::fast());
    deflate
        .write_all(&json)
        .and_then(|()| deflate.flush())
        .expect("deflating into memory cannot fail");
    let deflated = deflate.finish().expect("deflating into memory cannot fail");
    tx.exec(
        "INSERT INTO import_reports (seq, errors) VALUES (?1, ?2)",
        &[seq.into(), vault.encrypt_bytes(&deflated).into()],
    )?;
    Ok(())
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
        "SELECT errors FROM import_reports WHERE seq = ?1",
        &[Val::from(seq)],
        |row| Ok(row.blob(0)?.to_vec()),
    )?;
    let errors = match sealed {
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
