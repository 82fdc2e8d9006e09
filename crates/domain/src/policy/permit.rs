//! 居住证 — reads `[permit]`: how long a permit is valid (`validity`), the rollout,
//! one `[[permit.rollout]]` per plan year (which stage, which districts), and the new-citizen criteria, one
//! `[[permit.criterion]]` each with its predicate on persons, and the entitlements
//! the permit opens, one `[[permit.entitlement]]` each, optionally with a predicate
//! on the holder.

use std::collections::HashSet;

use super::ast::{Criterion, Entitlement, Permit, RolloutStage};
use super::error::{Fault, join_or};
use super::expr::{Context, criterion, validity};
use super::file::named;
use super::names::STAGES;
use super::value::{Section, Value, array, in_string, integer, mismatch, string};
use crate::division::{CodeLevel, DivisionCode};

/// `[permit]`, for a policy of `city`.
pub(super) fn permit(
    text: &str,
    value: &Value<'_>,
    ctx: &Context<'_>,
    city: DivisionCode,
) -> Result<Permit, Fault> {
    let section = Section::of(
        value,
        ("[permit] ", "[permit]"),
        &["validity", "rollout", "criterion", "entitlement"],
    )?;
    let validity_value = section.required("validity")?;
    let validity = validity(string(validity_value)?, ctx)
        .map_err(|fault| in_string(text, validity_value, fault))?;
    let mut rollout: Vec<RolloutStage> = Vec::new();
    for item in non_empty(section.required("rollout")?)? {
        let stage = stage(item, ctx, city)?;
        if let Some(last) = rollout.last()
            && last.plan_year >= stage.plan_year
        {
            let year = ctx.plan_years[stage.plan_year];
            let previous = ctx.plan_years[last.plan_year];
            return Err(Fault::new(
                item.span().start,
                format!("推行阶段应按年度递增、每年一个，{previous} 年之后实为 {year} 年"),
                format!(
                    "expected rollout stages in increasing plan years, once each, but found {year} after {previous}"
                ),
            ));
        }
        rollout.push(stage);
    }
    let mut criteria = Vec::new();
    let mut ids = HashSet::new();
    for item in non_empty(section.required("criterion")?)? {
        let (entry, id) = described(item, "criterion", ("条件", "criterion"), &mut ids)?;
        let test = entry.required("test")?;
        criteria.push(Criterion {
            zh: entry.string("zh")?.to_owned(),
            en: entry.string("en")?.to_owned(),
            clause: entry.string("clause")?.to_owned(),
            test: criterion(string(test)?, ctx).map_err(|fault| in_string(text, test, fault))?,
            id,
        });
    }
    let mut entitlements = Vec::new();
    let mut ids = HashSet::new();
    for item in section.get("entitlement").map_or(Ok(&[][..]), array)? {
        let (entry, id) = described(item, "entitlement", ("待遇", "entitlement"), &mut ids)?;
        let test = match entry.get("test") {
            Some(test) => {
                Some(criterion(string(test)?, ctx).map_err(|fault| in_string(text, test, fault))?)
            }
            None => None,
        };
        entitlements.push(Entitlement {
            zh: entry.string("zh")?.to_owned(),
            en: entry.string("en")?.to_owned(),
            clause: entry.string("clause")?.to_owned(),
            test,
            id,
        });
    }
    Ok(Permit {
        validity,
        rollout,
        criteria,
        entitlements,
    })
}

/// One `[[permit.KIND]]` entry: its keys checked, its id unique among `ids`, and
/// named by it in later errors.
fn described<'a, 'i>(
    item: &'a Value<'i>,
    kind: &str,
    (kind_zh, kind_en): (&str, &str),
    ids: &mut HashSet<String>,
) -> Result<(Section<'a, 'i>, String), Fault> {
    let mut entry = Section::of(
        item,
        (
            &format!("[[permit.{kind}]] "),
            &format!("[[permit.{kind}]]"),
        ),
        &["id", "zh", "en", "clause", "test"],
    )?;
    let id = entry.string("id")?.to_owned();
    if !ids.insert(id.clone()) {
        return Err(Fault::new(
            entry.required("id")?.span().start,
            format!("{kind_zh}编号“{id}”重复"),
            format!("expected each {kind_en} id once, but found `{id}` again"),
        ));
    }
    entry.name = (format!("{kind_zh} {id} "), format!("{kind_en} {id}"));
    Ok((entry, id))
}

/// An array with at least one item.
fn non_empty<'a, 'i>(value: &'a Value<'i>) -> Result<&'a [Value<'i>], Fault> {
    let items = array(value)?;
    if items.is_empty() {
        return Err(mismatch(
            value,
            ("至少一项的数组", "an array of at least one item"),
        ));
    }
    Ok(items)
}

/// One `[[permit.rollout]]`.
fn stage(item: &Value<'_>, ctx: &Context<'_>, city: DivisionCode) -> Result<RolloutStage, Fault> {
    let section = Section::of(
        item,
        ("[[permit.rollout]] ", "[[permit.rollout]]"),
        &["year", "stage", "districts"],
    )?;
    let year_value = section.required("year")?;
    let year = integer(year_value)?;
    let Some(plan_year) = ctx.plan_years.iter().position(|y| i64::from(*y) == year) else {
        let years: Vec<String> = ctx.plan_years.iter().map(i16::to_string).collect();
        let years: Vec<&str> = years.iter().map(String::as_str).collect();
        let (zh, en) = join_or(&years);
        return Err(Fault::new(
            year_value.span().start,
            format!("应为计划年度（{zh}），实为 {year}"),
            format!("expected a plan year ({en}), but found {year}"),
        ));
    };
    let stage_value = section.required("stage")?;
    let accepts_applications = named(stage_value, STAGES, ("推行阶段", "a rollout stage"))?;
    let districts_value = section.required("districts")?;
    let (districts, all) = match districts_value.get_ref().as_str() {
        Some("all") => (Vec::new(), true),
        Some(_) => {
            return Err(mismatch(
                districts_value,
                (
                    "“all”或区县代码数组",
                    "\"all\" or an array of district codes",
                ),
            ));
        }
        None => (
            non_empty(districts_value)?
                .iter()
                .map(|code| district(code, city))
                .collect::<Result<_, _>>()?,
            false,
        ),
    };
    Ok(RolloutStage {
        plan_year,
        stage: string(stage_value)?.to_owned(),
        districts,
        all,
        accepts_applications,
    })
}

/// A district (6 digits) inside `city`, written as a string.
fn district(value: &Value<'_>, city: DivisionCode) -> Result<DivisionCode, Fault> {
    let at = value.span().start;
    let code: DivisionCode =
        string(value)?
            .parse()
            .map_err(|error: crate::message::FieldError| Fault {
                at,
                message: error.message,
            })?;
    if code.level() != CodeLevel::District || !city.contains(code) {
        return Err(Fault::new(
            at,
            format!("应为 {city} 内的区县代码（6 位），实为 {code}"),
            format!("expected the code of a district of {city} (6 digits), but found {code}"),
        ));
    }
    Ok(code)
}
