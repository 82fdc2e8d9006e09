//! Planning the changes of records that are not persons, and reported values.

use crate::message::FieldError;
use crate::registry::{Record, RecordDetail};
use crate::reported_value::{MAX_NAME_LEN, ReportedValue, is_value_name};

use super::checks::*;
use super::{Context, Mutation, Plan};

pub(super) fn save_record(record: &Record, ctx: &Context) -> Result<Plan, FieldError> {
    check_name(&record.name).map_err(|e| FieldError {
        field: "record.name".into(),
        ..e
    })?;
    check_period(record.from, record.to, "record.to")?;
    if !ctx.hierarchy.root().code.contains(record.unit) || ctx.hierarchy.unit(record.unit).is_none()
    {
        return Err(refuse(
            "record.unit",
            format!("{} 不是本市的单位", record.unit),
            format!("expected a unit of this city, but found {}", record.unit),
        ));
    }
    if record.id != 0 {
        let old = find_record(ctx, record.id, "record.id")?;
        expect_kind(old, record.detail.kind(), "record.kind")?;
    }
    match &record.detail {
        RecordDetail::RentalHouse {
            landlord,
            entrusted_from,
            entrusted_to,
            ..
        } => {
            expect_kind(
                find_record(ctx, *landlord, "record.landlord")?,
                "landlord",
                "record.landlord",
            )?;
            if let Some(from) = entrusted_from {
                check_period(*from, *entrusted_to, "record.entrusted_to")?;
            }
        }
        RecordDetail::ConcentratedZone { area_m2, capacity } if *area_m2 < 0 || *capacity < 0 => {
            return Err(refuse(
                "record.area_m2",
                "面积和容量不能为负".into(),
                "expected a non-negative area and capacity".into(),
            ));
        }
        RecordDetail::Settlement { migrants, .. } if *migrants < 0 => {
            return Err(refuse(
                "record.migrants",
                "人数不能为负".into(),
                "expected a non-negative number of migrants".into(),
            ));
        }
        _ => {}
    }
    let mut record = record.clone();
    record.name = record.name.trim().to_owned();
    Ok(Plan {
        unit: record.unit,
        mutations: vec![Mutation::SaveRecord(record)],
    })
}

pub(super) fn report_value(value: &ReportedValue, ctx: &Context) -> Result<Plan, FieldError> {
    if !is_value_name(&value.name) {
        let shown: String = value.name.chars().take(MAX_NAME_LEN + 1).collect();
        return Err(refuse(
            "name",
            format!(
                "汇总值名称应为小写英文标识符（字母开头，仅含小写字母、数字和下划线，不超过 {MAX_NAME_LEN} 个字符），实为“{shown}”"
            ),
            format!(
                "expected a lower-case identifier of at most {MAX_NAME_LEN} characters such as estimated_migrants, but found {shown:?}"
            ),
        ));
    }
    ctx.policy_rules.reads_value(&value.name)?;
    if value.to < value.from {
        return Err(refuse(
            "to",
            format!("截止日期 {} 早于开始日期 {}", value.to, value.from),
            format!(
                "expected a last day on or after {}, but found {}",
                value.from, value.to
            ),
        ));
    }
    if value.value < 0 {
        return Err(refuse(
            "value",
            format!("汇总值不能为负，实为 {}", value.value),
            format!("expected a value of 0 or more, but found {}", value.value),
        ));
    }
    if !ctx.hierarchy.root().code.contains(value.unit) || ctx.hierarchy.unit(value.unit).is_none() {
        return Err(refuse(
            "unit",
            format!("{} 不是本市的单位", value.unit),
            format!("expected a unit of this city, but found {}", value.unit),
        ));
    }
    Ok(Plan {
        unit: value.unit,
        mutations: vec![Mutation::SaveValue(value.clone())],
    })
}
