//! 政策文件 — reads a whole policy file: `[policy]`, `[bands]`, `[parameters]`, every
//! `[[indicator]]` and the optional `[permit]`, checking each value and parsing each
//! expression, and the seed policy shipped with Anju.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use toml::de::{DeTable, DeValue};

use super::ast::{Bands, Direction, Indicator, Policy, Publication, ValueUnit};
use super::error::{Fault, PolicyError};
use super::expr::{Context, ParamValue, expression};
use super::names::{DIRECTIONS, KEYWORDS, UNITS, lookup, names};
use super::permit::permit;
use super::value::{
    Section, Value, array, boolean, in_string, integer, mismatch, non_negative, number, string,
};
use crate::division::DivisionCode;

/// The seed policy's file name, as errors name it.
pub const SEED_FILE: &str = "policy/new-citizens.toml";

/// The seed policy's text (`policy/new-citizens.toml` of the repository).
pub const SEED_TEXT: &str = include_str!("../../../../policy/new-citizens.toml");

static SEED: LazyLock<Policy> = LazyLock::new(|| {
    parse(SEED_FILE, SEED_TEXT)
        .unwrap_or_else(|error| panic!("the seed policy is malformed: {error}"))
});

impl Policy {
    /// 默认政策 — the seed policy, 《新市民安居乐业工程实施意见》, parsed once.
    ///
    /// # Panics
    ///
    /// If the shipped file is malformed (a test makes sure it is not).
    pub fn seed() -> &'static Policy {
        &SEED
    }
}

/// Reads a policy file: `file_name` is how errors name it, `text` its contents.
pub fn parse(file_name: &str, text: &str) -> Result<Policy, PolicyError> {
    read(text).map_err(|fault| PolicyError::locate(file_name, text, fault))
}

fn read(text: &str) -> Result<Policy, Fault> {
    let document = DeTable::parse(text).map_err(|error| {
        let reason = error.message().trim();
        Fault::new(
            error.span().map_or(0, |span| span.start),
            format!("TOML 语法错误：{reason}"),
            format!("invalid TOML: {reason}"),
        )
    })?;
    let root = Section::new(
        document.get_ref(),
        0,
        ("文件顶层", "the top level"),
        &[
            "policy",
            "bands",
            "parameters",
            "indicator",
            "permit",
            "publication",
        ],
    )?;
    let head = Section::of(
        root.required("policy")?,
        ("[policy] ", "[policy]"),
        &["zh", "en", "city", "plan_years", "intra_city_moves_count"],
    )?;
    let city_value = head.required("city")?;
    let city: DivisionCode =
        string(city_value)?
            .parse()
            .map_err(|error: crate::message::FieldError| Fault {
                at: city_value.span().start,
                message: error.message,
            })?;
    let plan_years = plan_years(head.required("plan_years")?)?;
    let bands = Section::of(
        root.required("bands")?,
        ("[bands] ", "[bands]"),
        &["yellow_within"],
    )?;
    let params = match root.get("parameters") {
        Some(value) => parameters(value)?,
        None => BTreeMap::new(),
    };
    let ctx = Context {
        params: &params,
        plan_years: &plan_years,
    };
    let mut indicators = Vec::new();
    let mut seen = HashMap::new();
    for item in array(root.required("indicator")?)? {
        let indicator = indicator(text, item, &ctx)?;
        let at = item.span().start;
        if let Some(first) = seen.insert(indicator.id.clone(), at) {
            let line = text[..first].matches('\n').count() + 1;
            return Err(Fault::new(
                at,
                format!("指标编号“{}”已在第 {line} 行使用", indicator.id),
                format!(
                    "expected each indicator id once, but found `{}` again (first on line {line})",
                    indicator.id
                ),
            ));
        }
        indicators.push(indicator);
    }
    Ok(Policy {
        zh: head.string("zh")?.to_owned(),
        en: head.string("en")?.to_owned(),
        city,
        intra_city_moves_count: head
            .get("intra_city_moves_count")
            .map(boolean)
            .transpose()?
            .unwrap_or(false),
        bands: Bands {
            yellow_within: non_negative(bands.required("yellow_within")?)?,
        },
        indicators,
        permit: root
            .get("permit")
            .map(|value| permit(text, value, &ctx, city))
            .transpose()?,
        publication: root
            .get("publication")
            .map(publication)
            .transpose()?
            .unwrap_or_default(),
        plan_years,
    })
}

/// `[publication]`: `min_count`, a whole number of at least 0.
fn publication(value: &Value<'_>) -> Result<Publication, Fault> {
    let section = Section::of(value, ("[publication] ", "[publication]"), &["min_count"])?;
    let count = section.required("min_count")?;
    let n = non_negative(count)?;
    if n.denom != 1 {
        return Err(mismatch(
            count,
            ("不小于零的整数", "a whole number of at least 0"),
        ));
    }
    Ok(Publication {
        min_count: n.numer as u64,
    })
}

/// At least one year, consecutive, each from 1000 to 9999.
fn plan_years(value: &Value<'_>) -> Result<Vec<i16>, Fault> {
    let items = array(value)?;
    if items.is_empty() {
        return Err(mismatch(
            value,
            ("至少一个计划年度", "at least one plan year"),
        ));
    }
    let mut years: Vec<i16> = Vec::new();
    for item in items {
        let year = integer(item)?;
        let expected = years.last().map(|last| i64::from(*last) + 1);
        if !(1000..=9999).contains(&year) || expected.is_some_and(|e| e != year) {
            let (zh, en) = match expected {
                Some(e) => (format!("紧接的下一年 {e}"), format!("the next year, {e}")),
                None => (
                    "四位数的年份".to_owned(),
                    "a year of four digits".to_owned(),
                ),
            };
            return Err(Fault::expected(
                item.span().start,
                (&zh, &en),
                (&year.to_string(), &year.to_string()),
            ));
        }
        years.push(year as i16);
    }
    Ok(years)
}

/// `[parameters]`: names of letters, digits and `_`; a number or a table year → number.
fn parameters(value: &Value<'_>) -> Result<BTreeMap<String, ParamValue>, Fault> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err(mismatch(value, ("表", "a table")));
    };
    let mut params = BTreeMap::new();
    for (key, value) in table.iter() {
        let name = key.get_ref().as_ref();
        let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_name || KEYWORDS.contains(&name) {
            return Err(Fault::new(
                key.span().start,
                format!("参数名应由字母、数字和“_”组成且不是关键字，实为“{name}”"),
                format!(
                    "expected a parameter name of letters, digits and `_` that is not a keyword, but found `{name}`"
                ),
            ));
        }
        let param = match value.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => ParamValue::Number(number(value)?),
            DeValue::Table(years) => {
                let mut by_year = BTreeMap::new();
                for (year, value) in years.iter() {
                    let parsed = year
                        .get_ref()
                        .parse::<i16>()
                        .ok()
                        .filter(|y| (1000..=9999).contains(y));
                    let Some(parsed) = parsed else {
                        return Err(Fault::unknown(
                            year.span().start,
                            ("四位数的年份", "a year of four digits"),
                            &[],
                            year.get_ref(),
                        ));
                    };
                    by_year.insert(parsed, number(value)?);
                }
                ParamValue::ByYear(by_year)
            }
            _ => {
                return Err(mismatch(
                    value,
                    (
                        "数字或“年份 = 数字”的表",
                        "a number or a table of year = number",
                    ),
                ));
            }
        };
        params.insert(name.to_owned(), param);
    }
    Ok(params)
}

/// One `[[indicator]]`.
fn indicator(text: &str, item: &Value<'_>, ctx: &Context<'_>) -> Result<Indicator, Fault> {
    let mut section = Section::of(
        item,
        ("[[indicator]] ", "[[indicator]]"),
        &[
            "id",
            "zh",
            "en",
            "clause",
            "unit",
            "direction",
            "targets",
            "stretch",
            "numerator",
            "denominator",
        ],
    )?;
    let id = section.string("id")?.to_owned();
    section.name = (format!("指标 {id} "), format!("indicator {id}"));
    let unit = named(section.required("unit")?, UNITS, ("单位", "a unit"))?;
    let direction = named(
        section.required("direction")?,
        DIRECTIONS,
        ("方向", "a direction"),
    )?;
    let tracked = direction == Direction::Tracked;
    let targets = match (section.get("targets"), tracked) {
        (Some(value), false) => targets(value, ctx.plan_years)?,
        (None, true) => Vec::new(),
        (None, false) => section.required("targets").map(|_| Vec::new())?,
        (Some(value), true) => {
            return Err(refused(value, "targets", "a tracked indicator", "跟踪指标"));
        }
    };
    let stretch = match section.get("stretch") {
        Some(value) if tracked => {
            return Err(refused(value, "stretch", "a tracked indicator", "跟踪指标"));
        }
        Some(value) => Some(non_negative(value)?),
        None => None,
    };
    let parse = |value: &Value<'_>| {
        expression(string(value)?, ctx).map_err(|fault| in_string(text, value, fault))
    };
    let denominator = match (section.get("denominator"), unit) {
        (_, ValueUnit::Percent | ValueUnit::Permille) => {
            Some(parse(section.required("denominator")?)?)
        }
        (Some(value), _) => {
            return Err(refused(
                value,
                "denominator",
                "an amount (m2 or count)",
                "数量指标（m2 或 count）",
            ));
        }
        (None, _) => None,
    };
    Ok(Indicator {
        zh: section.string("zh")?.to_owned(),
        en: section.string("en")?.to_owned(),
        clause: section.string("clause")?.to_owned(),
        unit,
        direction,
        targets,
        stretch,
        numerator: parse(section.required("numerator")?)?,
        denominator,
        id,
    })
}

/// "expected no `key` for {what}, but found one".
fn refused(value: &Value<'_>, key: &str, what: &str, what_zh: &str) -> Fault {
    Fault::new(
        value.span().start,
        format!("{what_zh}不应有“{key}”"),
        format!("expected no `{key}` for {what}, but found one"),
    )
}

/// A string naming one of `table`.
pub(super) fn named<T: Copy>(
    value: &Value<'_>,
    table: super::names::Names<T>,
    what: (&str, &str),
) -> Result<T, Fault> {
    let name = string(value)?;
    lookup(table, name).ok_or_else(|| Fault::unknown(value.span().start, what, &names(table), name))
}

/// One target per plan year: a number, or `"-"` for none.
fn targets(
    value: &Value<'_>,
    plan_years: &[i16],
) -> Result<Vec<Option<super::ast::Rational>>, Fault> {
    let items = array(value)?;
    if items.len() != plan_years.len() {
        let years: Vec<String> = plan_years.iter().map(i16::to_string).collect();
        return Err(Fault::new(
            value.span().start,
            format!(
                "应有 {} 个目标，每个计划年度（{}）一个，实为 {} 个",
                years.len(),
                years.join("、"),
                items.len()
            ),
            format!(
                "expected {} targets, one per plan year ({}), but found {}",
                years.len(),
                years.join(", "),
                items.len()
            ),
        ));
    }
    items
        .iter()
        .map(|item| match item.get_ref() {
            DeValue::String(s) if s == "-" => Ok(None),
            DeValue::Integer(_) | DeValue::Float(_) => non_negative(item).map(Some),
            _ => Err(mismatch(item, ("数字或“-”", "a number or \"-\""))),
        })
        .collect()
}
