//! 条件 — predicates on persons and on records: `or` of `and` of `not` of atoms, with
//! parentheses; `not` binds tighter than `and`, `and` tighter than `or`. An atom on a
//! person is a fact (with its filters and window), `age …`, `sex = …`, `new_citizen`
//! or `rollout_reached`; an atom on a
//! record is one of its kind's attributes, fields or conditions (`names`).

use super::ast::{Comparison, PersonPredicate, RecordKind, RecordPredicate};
use super::error::Fault;
use super::expr::Cursor;
use super::fact::{age, fact};
use super::lexer::Tok;
use super::names::{
    KEYWORDS, PERIODS, ROLES, SEXES, attributes_of, fields_of, lookup, record_condition_words,
    record_kind_name,
};
use crate::registry::FactKind;

/// The three ways to combine predicates.
trait Logic: Sized {
    fn all(all: Vec<Self>) -> Self;
    fn any(any: Vec<Self>) -> Self;
    fn negate(self) -> Self;
}

impl Logic for PersonPredicate {
    fn all(all: Vec<Self>) -> Self {
        PersonPredicate::And { all }
    }
    fn any(any: Vec<Self>) -> Self {
        PersonPredicate::Or { any }
    }
    fn negate(self) -> Self {
        PersonPredicate::Not {
            inner: Box::new(self),
        }
    }
}

impl Logic for RecordPredicate {
    fn all(all: Vec<Self>) -> Self {
        RecordPredicate::And { all }
    }
    fn any(any: Vec<Self>) -> Self {
        RecordPredicate::Or { any }
    }
    fn negate(self) -> Self {
        RecordPredicate::Not {
            inner: Box::new(self),
        }
    }
}

type Atom<'f, T> = &'f dyn Fn(&mut Cursor<'_>) -> Result<T, Fault>;

/// `and_ { "or" and_ }`
fn or<T: Logic>(c: &mut Cursor<'_>, atom: Atom<'_, T>) -> Result<T, Fault> {
    let mut any = vec![and(c, atom)?];
    while c.eat_word("or") {
        any.push(and(c, atom)?);
    }
    Ok(if any.len() == 1 {
        any.remove(0)
    } else {
        T::any(any)
    })
}

/// `not_ { "and" not_ }`
fn and<T: Logic>(c: &mut Cursor<'_>, atom: Atom<'_, T>) -> Result<T, Fault> {
    let mut all = vec![not(c, atom)?];
    while c.eat_word("and") {
        all.push(not(c, atom)?);
    }
    Ok(if all.len() == 1 {
        all.remove(0)
    } else {
        T::all(all)
    })
}

/// `"not" not_ | "(" or ")" | atom`
fn not<T: Logic>(c: &mut Cursor<'_>, atom: Atom<'_, T>) -> Result<T, Fault> {
    if c.eat_word("not") {
        Ok(not(c, atom)?.negate())
    } else if c.eat_punct("(") {
        let inner = or(c, atom)?;
        c.expect_punct(")", ("“and”、“or” 或“)”", "`and`, `or` or `)`"))?;
        Ok(inner)
    } else {
        atom(c)
    }
}

/// A predicate on persons.
pub(super) fn person_predicate(c: &mut Cursor<'_>) -> Result<PersonPredicate, Fault> {
    or(c, &person_atom)
}

/// A predicate on records of `kind`.
pub(super) fn record_predicate(
    c: &mut Cursor<'_>,
    kind: RecordKind,
) -> Result<RecordPredicate, Fault> {
    or(c, &|c: &mut Cursor<'_>| record_atom(c, kind))
}

fn person_atom(c: &mut Cursor<'_>) -> Result<PersonPredicate, Fault> {
    let token = c.peek();
    match token.tok {
        Tok::Word("age") => {
            c.bump();
            age(c)
        }
        Tok::Word("sex") => {
            c.bump();
            c.expect_punct("=", ("“=”", "`=`"))?;
            let sex = c.expect_name(SEXES, ("性别", "a sex"))?;
            Ok(PersonPredicate::Sex { sex })
        }
        Tok::Word("new_citizen") => {
            c.bump();
            Ok(PersonPredicate::NewCitizen)
        }
        Tok::Word("rollout_reached") => {
            c.bump();
            Ok(PersonPredicate::RolloutReached)
        }
        Tok::Word(name) if FactKind::NAMES.contains(&name) => {
            c.bump();
            fact(c, name)
        }
        Tok::Word(name) if !KEYWORDS.contains(&name) => Err(Fault::unknown(
            token.at,
            ("事实类型", "a fact kind"),
            FactKind::NAMES,
            name,
        )),
        _ => Err(c.fault_at(
            token,
            (
                "关于人员的条件（事实类型、age、sex、not 或“(”）",
                "a condition on persons (a fact kind, `age`, `sex`, `not` or `(`)",
            ),
        )),
    }
}

fn record_atom(c: &mut Cursor<'_>, kind: RecordKind) -> Result<RecordPredicate, Fault> {
    let plural = record_kind_name(kind);
    let words = record_condition_words(kind);
    let word = c.expect_one_of(
        &words,
        (
            &format!("{plural} 的条件"),
            &format!("a condition on {plural}"),
        ),
    )?;
    if let Some(field) = lookup(fields_of(kind), word) {
        let comparison = comparison(c)?;
        let (value, _) = c.expect_whole::<i64>(("整数", "a whole number"))?;
        return Ok(RecordPredicate::Compare {
            field,
            comparison,
            value,
        });
    }
    if let Some(attribute) = lookup(attributes_of(kind), word) {
        return Ok(RecordPredicate::Attribute { attribute });
    }
    let period = ("时期", "a period");
    Ok(match word {
        "role" => {
            c.expect_punct("=", ("“=”", "`=`"))?;
            RecordPredicate::Role {
                role: c.expect_name(ROLES, ("岗位", "a staff role"))?,
            }
        }
        "is_migrant" => RecordPredicate::IsMigrant,
        "trained" => {
            c.expect_one_of(&["in"], ("trained 之后的“in”", "`in` after `trained`"))?;
            RecordPredicate::TrainedIn {
                period: c.expect_name(PERIODS, period)?,
            }
        }
        _ => {
            c.expect_one_of(&["in"], ("opened 之后的“in”", "`in` after `opened`"))?;
            RecordPredicate::OpenedIn {
                period: c.expect_name(PERIODS, period)?,
            }
        }
    })
}

fn comparison(c: &mut Cursor<'_>) -> Result<Comparison, Fault> {
    let token = c.bump();
    Ok(match token.tok {
        Tok::Punct("=") => Comparison::Eq,
        Tok::Punct("!=") => Comparison::Ne,
        Tok::Punct("<") => Comparison::Lt,
        Tok::Punct("<=") => Comparison::Le,
        Tok::Punct(">") => Comparison::Gt,
        Tok::Punct(">=") => Comparison::Ge,
        _ => {
            return Err(c.fault_at(
                token,
                (
                    "比较运算符（=、!=、<、<=、> 或 >=）",
                    "a comparison (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
                ),
            ));
        }
    })
}
