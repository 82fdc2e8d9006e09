//! The checks every planner shares: finding what a change names in its context,
//! and refusing with a field and a reason in both languages.

use jiff::civil::Date;

use crate::event::ResidenceForm;
use crate::message::FieldError;
use crate::registry::{Fact, FactId, FactKind, Housing, Person, Record, RecordId};

use super::Context;

pub(super) fn refuse(field: &str, zh: String, en: String) -> FieldError {
    FieldError::new(field, zh, en)
}

pub(super) fn day_before(date: Date) -> Date {
    date.yesterday()
        .expect("dates in the registry are after 1900")
}

pub(super) fn find_record<'a>(
    ctx: &'a Context,
    id: RecordId,
    field: &str,
) -> Result<&'a Record, FieldError> {
    ctx.records.iter().find(|r| r.id == id).ok_or_else(|| {
        refuse(
            field,
            format!("找不到编号为 {id} 的对象"),
            format!("expected a known record, but found no record {id}"),
        )
    })
}

pub(super) fn expect_kind(record: &Record, kind: &str, field: &str) -> Result<(), FieldError> {
    if record.detail.kind() == kind {
        Ok(())
    } else {
        Err(refuse(
            field,
            format!(
                "对象 {} 的类型应为 {kind}，实为 {}",
                record.id,
                record.detail.kind()
            ),
            format!(
                "expected record {} to be a {kind}, but it is a {}",
                record.id,
                record.detail.kind()
            ),
        ))
    }
}

pub(super) fn check_residence(
    form: &ResidenceForm,
    on: Date,
    ctx: &Context,
) -> Result<(), FieldError> {
    if !ctx.hierarchy.is_leaf(form.unit, on) {
        return Err(refuse(
            "residence.unit",
            format!("{} 不是 {on} 时有效的村（社区）", form.unit),
            format!(
                "expected a village or community valid on {on}, but found {}",
                form.unit
            ),
        ));
    }
    let wanted = match form.housing {
        Housing::ConcentratedZone => Some("concentrated_zone"),
        Housing::RentedHouse => Some("rental_house"),
        Housing::EmployerDormitory => Some("employer"),
        Housing::OwnHome => None,
    };
    match (wanted, form.place) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(refuse(
            "residence.place",
            "自购房不应填写居住场所".into(),
            "expected no place for an own home, but one was given".into(),
        )),
        (Some(kind), None) => Err(refuse(
            "residence.place",
            format!("此居住方式须填写场所（{kind}）"),
            format!("expected a {kind} as the place of this housing, but found none"),
        )),
        (Some(kind), Some(id)) => expect_kind(
            find_record(ctx, id, "residence.place")?,
            kind,
            "residence.place",
        ),
    }
}

pub(super) fn check_name(name: &str) -> Result<String, FieldError> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > 50 || name.chars().any(char::is_control) {
        return Err(refuse(
            "name",
            "姓名须为 1 至 50 个字符，且不含控制字符".into(),
            format!("expected a name of 1 to 50 printable characters, but found {chars}"),
        ));
    }
    Ok(name.to_owned())
}

pub(super) fn check_period(from: Date, to: Option<Date>, field: &str) -> Result<(), FieldError> {
    match to {
        Some(to) if to < from => Err(refuse(
            field,
            format!("截止日期 {to} 早于开始日期 {from}"),
            format!("expected a last day on or after {from}, but found {to}"),
        )),
        _ => Ok(()),
    }
}

pub(super) fn current_residence<'a>(ctx: &'a Context) -> Result<&'a Fact, FieldError> {
    ctx.facts
        .iter()
        .find(|f| matches!(f.kind, FactKind::Residence { .. }) && f.to.is_none())
        .ok_or_else(|| {
            refuse(
                "person",
                "此人当前不在本市居住登记中".into(),
                "expected a person currently registered, but they have left".into(),
            )
        })
}

pub(super) fn person<'a>(ctx: &'a Context) -> Result<&'a Person, FieldError> {
    ctx.person.ok_or_else(|| {
        refuse(
            "person",
            "找不到此人".into(),
            "expected a registered person, but found none".into(),
        )
    })
}

pub(super) fn fact<'a>(ctx: &'a Context, id: FactId) -> Result<&'a Fact, FieldError> {
    ctx.facts.iter().find(|f| f.id == id).ok_or_else(|| {
        refuse(
            "fact",
            format!("此人没有编号为 {id} 的信息"),
            format!("expected a fact of this person, but found no fact {id}"),
        )
    })
}

pub(super) fn check_wage(wage: i64) -> Result<(), FieldError> {
    if (0..=100_000_000).contains(&wage) {
        Ok(())
    } else {
        Err(refuse(
            "monthly_wage_fen",
            "月工资（分）应在 0 至 1 亿之间".into(),
            format!("expected a monthly wage in fen from 0 to 100000000, but found {wage}"),
        ))
    }
}

pub(super) fn check_fact(kind: &FactKind, ctx: &Context) -> Result<(), FieldError> {
    match kind {
        FactKind::Residence { .. } => Err(refuse(
            "fact",
            "居住信息请用登记、迁移或离开记录".into(),
            "expected a fact other than residence: record a registration, move or departure instead".into(),
        )),
        FactKind::Employment { employer, monthly_wage_fen } => {
            check_wage(*monthly_wage_fen)?;
            expect_kind(find_record(ctx, *employer, "fact.employer")?, "employer", "fact.employer")
        }
        FactKind::LabourContract { employer } => expect_kind(find_record(ctx, *employer, "fact.employer")?, "employer", "fact.employer"),
        FactKind::ResidencePermit { .. } => Err(refuse(
            "fact",
            "居住证由签发、续签和注销记录，不能直接录入".into(),
            "expected a fact other than residence_permit: the permit's issue, renewal and revocation record it".into(),
        )),
        FactKind::TemporaryResidencePermit { number } if number.trim().is_empty() || number.len() > 40 => {
            Err(refuse("fact.number", "暂住证号码须为 1 至 40 个字符".into(), "expected a permit number of 1 to 40 characters".into()))
        }
        _ => Ok(()),
    }
}

pub(super) fn overlaps(a_from: Date, a_to: Option<Date>, b: &Fact) -> bool {
    a_from <= b.to.unwrap_or(Date::MAX) && b.from <= a_to.unwrap_or(Date::MAX)
}
