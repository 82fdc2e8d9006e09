//! 居住证 — the `permits` table: a person's applications and permits, read into the
//! planner's context and written from its [`domain::plan::Mutation::SavePermit`].

use domain::permit::{Permit, PermitId, PermitStatus};
use domain::registry::PersonId;

use crate::StoreError;
use crate::queries::code;
use crate::sql::{Row, Sql, Val, first, returning_id, rows};

const COLUMNS: &str =
    "id, person, unit, status, applied_on, number, valid_from, valid_to, edition, revoked_on";

/// The columns after `id`, in the order of [`permit_values`].
pub(crate) const PERMIT_COLUMNS: [&str; 9] = [
    "person",
    "unit",
    "status",
    "applied_on",
    "number",
    "valid_from",
    "valid_to",
    "edition",
    "revoked_on",
];

/// A permit's columns after `id`.
pub(crate) fn permit_values(permit: &Permit) -> Vec<Val<'_>> {
    vec![
        permit.person.into(),
        permit.unit.into(),
        status_name(permit.status).into(),
        permit.applied_on.into(),
        Val::OptText(permit.number.as_deref().map(Into::into)),
        permit.valid_from.into(),
        permit.valid_to.into(),
        permit.edition.into(),
        permit.revoked_on.into(),
    ]
}

fn status_name(status: PermitStatus) -> &'static str {
    status.names().1
}

fn permit_row(row: &dyn Row) -> Result<Permit, StoreError> {
    let status = row.text(3)?;
    let status = [
        PermitStatus::Applied,
        PermitStatus::Reviewed,
        PermitStatus::Refused,
        PermitStatus::Issued,
        PermitStatus::Revoked,
    ]
    .into_iter()
    .find(|s| status_name(*s) == status)
    .ok_or_else(|| StoreError::Database(format!("expected a permit status, but found {status}")))?;
    Ok(Permit {
        id: row.int(0)?,
        person: row.int(1)?,
        unit: code(row, 2)?,
        status,
        applied_on: row.date(4)?,
        number: row.opt_text(5)?,
        valid_from: row.opt_date(6)?,
        valid_to: row.opt_date(7)?,
        edition: row.int(8)?,
        revoked_on: row.opt_date(9)?,
    })
}

/// Every application and permit of `person`, oldest first.
pub(crate) fn permits_of(tx: &mut dyn Sql, person: PersonId) -> Result<Vec<Permit>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM permits WHERE person = ?1 ORDER BY id");
    rows(tx, &sql, &[person.into()], permit_row)
}

/// The permit `id`, if there is one.
pub(crate) fn permit(tx: &mut dyn Sql, id: PermitId) -> Result<Option<Permit>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM permits WHERE id = ?1");
    first(tx, &sql, &[id.into()], permit_row)
}

/// Every issued permit whose card is no longer good as first printed: revoked, or
/// replaced by a later edition.
pub(crate) fn replaced_or_revoked(tx: &mut dyn Sql) -> Result<Vec<Permit>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM permits WHERE number IS NOT NULL AND (status = ?1 OR edition > 1) ORDER BY id"
    );
    rows(
        tx,
        &sql,
        &[status_name(PermitStatus::Revoked).into()],
        permit_row,
    )
}

/// Inserts a new application (id 0) or updates a permit; its id.
pub(crate) fn save_permit(tx: &mut dyn Sql, permit: &Permit) -> Result<PermitId, StoreError> {
    let mut values = permit_values(permit);
    if permit.id == 0 {
        let sql = "INSERT INTO permits (person, unit, status, applied_on, number, valid_from, valid_to, edition, revoked_on) \
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
        return returning_id(tx, sql, &values);
    }
    values.push(permit.id.into());
    let sql = "UPDATE permits SET person = ?1, unit = ?2, status = ?3, applied_on = ?4, number = ?5, \
               valid_from = ?6, valid_to = ?7, edition = ?8, revoked_on = ?9 WHERE id = ?10";
    tx.exec(sql, &values)?;
    Ok(permit.id)
}
