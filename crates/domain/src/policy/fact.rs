//! 事实条件 — what may follow a fact kind or `age` in a predicate on persons: a fact's
//! filters in parentheses (`residence(housing = own_home)`, `employment(wage >= P)`),
//! its window (`in year`, `began in plan`, `for 1 year`), and age bounds
//! (`age in 6..15`, `age >= 16`), each mapped to the syntax tree.

use super::ast::{FactFilter, PersonPredicate, Span, Window};
use super::error::Fault;
use super::expr::{Cursor, ParamValue};
use super::lexer::Tok;
use super::names::{HOUSING, PERIODS, SCHEMES, SCHOOLS, filters_of};
use super::rational::whole;

/// After `age`: `in A..B` or a comparison with a whole number of years.
pub(super) fn age(c: &mut Cursor<'_>) -> Result<PersonPredicate, Fault> {
    let years = ("整周岁数", "a whole number of years");
    if c.eat_word("in") {
        let (min, at) = c.expect_whole::<u16>(years)?;
        c.expect_punct("..", ("“..”", "`..`"))?;
        let (max, _) = c.expect_whole::<u16>(years)?;
        if min > max {
            return Err(Fault::new(
                at,
                format!("年龄范围应从小到大（如 {max}..{min}），实为 {min}..{max}"),
                format!(
                    "expected an age range from low to high such as {max}..{min}, but found {min}..{max}"
                ),
            ));
        }
        return Ok(PersonPredicate::Age {
            min: Some(min),
            max: Some(max),
        });
    }
    let token = c.peek();
    let op = match token.tok {
        Tok::Punct(op @ ("=" | "<" | "<=" | ">" | ">=")) => op,
        _ => {
            return Err(c.fault_at(
                token,
                (
                    "age 之后的“in”、“=”、“<”、“<=”、“>” 或“>=”",
                    "`in`, `=`, `<`, `<=`, `>` or `>=` after `age`",
                ),
            ));
        }
    };
    c.bump();
    let (n, at) = c.expect_whole::<u16>(years)?;
    let out_of_range = || {
        Fault::new(
            at,
            format!("“age {op} {n}”不可能成立"),
            format!("expected an age that a person can have, but found `age {op} {n}`"),
        )
    };
    let (min, max) = match op {
        "=" => (Some(n), Some(n)),
        "<" => (None, Some(n.checked_sub(1).ok_or_else(out_of_range)?)),
        "<=" => (None, Some(n)),
        ">" => (Some(n.checked_add(1).ok_or_else(out_of_range)?), None),
        _ => (Some(n), None),
    };
    Ok(PersonPredicate::Age { min, max })
}

/// After a fact kind: its filters in parentheses, then its window.
pub(super) fn fact(c: &mut Cursor<'_>, kind: &str) -> Result<PersonPredicate, Fault> {
    let mut filters = Vec::new();
    let allowed = filters_of(kind);
    let token = c.peek();
    if c.eat_punct("(") {
        if allowed.is_empty() {
            return Err(c.fault_at(
                token,
                (
                    &format!("不带括号条件的 {kind}"),
                    &format!("{kind} without conditions in parentheses"),
                ),
            ));
        }
        loop {
            filters.push(filter(c, kind, allowed)?);
            if !c.eat_punct(",") {
                break;
            }
        }
        c.expect_punct(")", ("“,” 或“)”", "`,` or `)`"))?;
    }
    Ok(PersonPredicate::Fact {
        kind: kind.to_owned(),
        filters,
        window: window(c)?,
    })
}

/// One condition in `FACT(…)`.
fn filter(
    c: &mut Cursor<'_>,
    kind: &str,
    allowed: &'static [&'static str],
) -> Result<FactFilter, Fault> {
    let word = c.expect_one_of(
        allowed,
        (&format!("{kind} 的条件"), &format!("a condition on {kind}")),
    )?;
    let equals = ("“=”", "`=`");
    Ok(match word {
        "housing" => {
            c.expect_punct("=", equals)?;
            FactFilter::Housing {
                housing: c.expect_name(HOUSING, ("居住方式", "a housing kind"))?,
            }
        }
        "scheme" => {
            c.expect_punct("=", equals)?;
            FactFilter::Scheme {
                scheme: c.expect_name(SCHEMES, ("险种", "an insurance scheme"))?,
            }
        }
        "school" => {
            c.expect_punct("=", equals)?;
            FactFilter::School {
                school: c.expect_name(SCHOOLS, ("学校类别", "a kind of school"))?,
            }
        }
        "employer_has_union" => FactFilter::EmployerHasUnion,
        _ => {
            c.expect_punct(">=", ("wage 之后的“>=”", "`>=` after `wage`"))?;
            FactFilter::WageAtLeast { by_year: wage(c)? }
        }
    })
}

/// The minimum wage in fen per plan year: a whole number, or a parameter.
fn wage(c: &mut Cursor<'_>) -> Result<Vec<(i16, i64)>, Fault> {
    let token = c.bump();
    let plan_years = c.ctx.plan_years;
    let fen = ("整数的分", "a whole number of fen");
    let not_whole = |value: &str| {
        Fault::expected(
            token.at,
            fen,
            (&format!("“{value}”"), &format!("`{value}`")),
        )
    };
    let every_year = |fen: i64| plan_years.iter().map(|y| (*y, fen)).collect();
    match token.tok {
        Tok::Number(text) => text.parse().map(every_year).map_err(|_| not_whole(text)),
        Tok::Word(name) => match c.ctx.params.get(name) {
            Some(ParamValue::Number(value)) => whole(*value).map(every_year).ok_or_else(|| not_whole(name)),
            Some(ParamValue::ByYear(values)) => plan_years
                .iter()
                .map(|year| {
                    let value = values.get(year).ok_or_else(|| {
                        Fault::new(
                            token.at,
                            format!("参数 {name} 应有每个计划年度的值，缺少 {year} 年"),
                            format!("expected parameter {name} to have a value for every plan year, but {year} has none"),
                        )
                    })?;
                    Ok((*year, whole(*value).ok_or_else(|| not_whole(name))?))
                })
                .collect(),
            None => {
                let known: Vec<&str> = c.ctx.params.keys().map(String::as_str).collect();
                Err(Fault::unknown(token.at, ("参数", "a parameter"), &known, name))
            }
        },
        _ => Err(c.fault_at(token, ("参数或整数的分", "a parameter or a whole number of fen"))),
    }
}

/// `in PERIOD`, `began in PERIOD`, `for N UNIT …` or nothing.
fn window(c: &mut Cursor<'_>) -> Result<Window, Fault> {
    let period = ("时期", "a period");
    if c.eat_word("in") {
        return Ok(Window::In {
            period: c.expect_name(PERIODS, period)?,
        });
    }
    if c.eat_word("began") {
        c.expect_one_of(&["in"], ("began 之后的“in”", "`in` after `began`"))?;
        return Ok(Window::BeganIn {
            period: c.expect_name(PERIODS, period)?,
        });
    }
    if !c.eat_word("for") {
        return Ok(Window::On);
    }
    Ok(Window::ContinuousFor { span: span(c)? })
}

/// `N UNIT …`: a length of at least one day, e.g. `1 year 6 months`.
pub(super) fn span(c: &mut Cursor<'_>) -> Result<Span, Fault> {
    let mut span = Span {
        years: 0,
        months: 0,
        days: 0,
    };
    let units = ["years", "year", "months", "month", "days", "day"];
    let start = c.peek().at;
    loop {
        let (n, at) = c.expect_whole::<i16>(("时长（如 1 year）", "a length such as 1 year"))?;
        let unit = c.expect_one_of(&units, ("时间单位", "a unit of time"))?;
        let sum = match unit {
            "years" | "year" => span
                .years
                .checked_add(n)
                .map(|years| Span { years, ..span }),
            "months" | "month" => span
                .months
                .checked_add(n)
                .map(|months| Span { months, ..span }),
            _ => span
                .days
                .checked_add(i32::from(n))
                .map(|days| Span { days, ..span }),
        };
        span = sum.ok_or_else(|| {
            Fault::new(
                at,
                "时长超出范围",
                "expected a shorter length, but found one too long",
            )
        })?;
        if !matches!(c.peek().tok, Tok::Number(_)) {
            break;
        }
    }
    if span
        == (Span {
            years: 0,
            months: 0,
            days: 0,
        })
    {
        return Err(Fault::new(
            start,
            "时长应至少为一天，实为零",
            "expected a length of at least one day, but found zero",
        ));
    }
    Ok(span)
}
