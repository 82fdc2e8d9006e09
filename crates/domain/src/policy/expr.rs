//! 表达式 — the recursive-descent parser of numerators and denominators:
//! `scaled { ("+" | "-") scaled }` with `scaled = term { ("*" | "/") factor }`, where a
//! term is `count(…)`, `sum(…)` or `value(…)` and a factor a number or a parameter.
//! Predicates inside the terms are parsed by `predicate`. Offsets in faults are bytes
//! of the expression; the caller maps them into the file.

use std::collections::BTreeMap;

use super::ast::{Expr, Rational, ScaledTerm, Term};
use super::error::{Fault, listing};
use super::lexer::{Tok, Token, lex};
use super::names::{Names, RECORD_KINDS, fields_of, lookup, names, record_kind_name};
use super::predicate::{person_predicate, record_predicate};
use super::rational::{decimal, div, is_zero, mul};

/// A parameter's value: one number, or one per year.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ParamValue {
    Number(Rational),
    ByYear(BTreeMap<i16, Rational>),
}

/// What names in an expression refer to.
pub(super) struct Context<'a> {
    pub params: &'a BTreeMap<String, ParamValue>,
    pub plan_years: &'a [i16],
}

/// Parses a numerator or denominator.
pub(super) fn expression(text: &str, ctx: &Context<'_>) -> Result<Expr, Fault> {
    let mut c = Cursor::new(text, ctx)?;
    let mut terms = Vec::new();
    let mut sign = Rational::ONE;
    loop {
        let term = term(&mut c)?;
        let mut scale = sign;
        loop {
            let divide = if c.eat_punct("*") {
                false
            } else if c.eat_punct("/") {
                true
            } else {
                break;
            };
            let at = c.peek().at;
            let factor = factor(&mut c)?;
            let scaled = if divide {
                if is_zero(factor) {
                    let written = c.text_at(at);
                    let found = if written.starts_with(|c: char| c.is_ascii_digit()) {
                        (format!("“{written}”"), format!("`{written}`"))
                    } else {
                        (
                            format!("参数“{written}”（值为 0）"),
                            format!("`{written}`, which is 0"),
                        )
                    };
                    return Err(Fault::expected(
                        at,
                        ("非零的除数", "a divisor other than zero"),
                        (&found.0, &found.1),
                    ));
                }
                div(scale, factor)
            } else {
                mul(scale, factor)
            };
            scale = scaled.ok_or_else(|| too_large(at))?;
        }
        terms.push(ScaledTerm { scale, term });
        if c.eat_punct("+") {
            sign = Rational::ONE;
        } else if c.eat_punct("-") {
            sign = Rational::whole(-1);
        } else {
            break;
        }
    }
    c.expect_end((
        "“+”、“-”、“*”、“/” 或表达式结尾",
        "`+`, `-`, `*`, `/` or the end of the expression",
    ))?;
    Ok(Expr { terms })
}

/// Parses a predicate on persons that stands alone (a new-citizen criterion).
pub(super) fn criterion(
    text: &str,
    ctx: &Context<'_>,
) -> Result<super::ast::PersonPredicate, Fault> {
    let mut c = Cursor::new(text, ctx)?;
    let predicate = person_predicate(&mut c)?;
    c.expect_end((
        "“and”、“or” 或表达式结尾",
        "`and`, `or` or the end of the expression",
    ))?;
    if let Some(at) = text.find("new_citizen") {
        return Err(Fault::new(
            at,
            "新市民条件不能引用 new_citizen 自身",
            "expected a condition other than new_citizen in a criterion, but found new_citizen",
        ));
    }
    Ok(predicate)
}

/// The permit's `validity`: a length such as `1 year`.
pub(super) fn validity(text: &str, ctx: &Context<'_>) -> Result<super::ast::Span, Fault> {
    let mut c = Cursor::new(text, ctx)?;
    let span = super::fact::span(&mut c)?;
    c.expect_end(("表达式结尾", "the end of the length"))?;
    Ok(span)
}

fn too_large(at: usize) -> Fault {
    Fault::new(
        at,
        "数值超出范围",
        "expected a number that fits, but found one too large",
    )
}

/// `count(…)`, `sum(…)` or `value(…)`.
fn term(c: &mut Cursor<'_>) -> Result<Term, Fault> {
    let what = ("项", "a term");
    let word = c.expect_one_of(&["count", "sum", "value"], what)?;
    c.expect_punct("(", ("“(”", "`(`"))?;
    let term = match word {
        "count" => {
            let mut known = vec!["persons", "towns"];
            known.extend(names(RECORD_KINDS));
            let counted = c.expect_one_of(
                &known,
                ("人员、镇街或对象类型", "persons, towns or a record kind"),
            )?;
            let filtered = c.eat_punct(":");
            match counted {
                "persons" => Term::CountPersons {
                    filter: filtered.then(|| person_predicate(c)).transpose()?,
                },
                "towns" => Term::CountTowns {
                    has: if filtered {
                        c.expect_one_of(&["has"], ("“has” 及对象类型", "`has` and a record kind"))?;
                        Some(c.expect_name(RECORD_KINDS, ("对象类型", "a record kind"))?)
                    } else {
                        None
                    },
                },
                _ => {
                    let kind = lookup(RECORD_KINDS, counted).expect("a known kind");
                    Term::CountRecords {
                        kind,
                        filter: filtered.then(|| record_predicate(c, kind)).transpose()?,
                    }
                }
            }
        }
        "sum" => {
            let kind = c.expect_name(RECORD_KINDS, ("对象类型", "a record kind"))?;
            c.expect_punct(".", ("“.” 及数值字段", "`.` and a numeric field"))?;
            let plural = record_kind_name(kind);
            let field = c.expect_name(
                fields_of(kind),
                (
                    &format!("{plural} 的数值字段"),
                    &format!("a numeric field of {plural}"),
                ),
            )?;
            let filtered = c.eat_punct(":");
            Term::SumRecords {
                kind,
                field,
                filter: filtered.then(|| record_predicate(c, kind)).transpose()?,
            }
        }
        _ => {
            let name = c.expect_word(("上报值的名称", "the name of a reported value"))?;
            Term::Value {
                name: name.to_owned(),
            }
        }
    };
    let after = match &term {
        Term::CountPersons { filter: Some(_) }
        | Term::CountRecords {
            filter: Some(_), ..
        }
        | Term::SumRecords {
            filter: Some(_), ..
        } => ("“and”、“or” 或“)”", "`and`, `or` or `)`"),
        Term::CountPersons { filter: None }
        | Term::CountRecords { filter: None, .. }
        | Term::SumRecords { filter: None, .. }
        | Term::CountTowns { has: None } => ("“:” 或“)”", "`:` or `)`"),
        Term::CountTowns { has: Some(_) } | Term::Value { .. } => ("“)”", "`)`"),
    };
    c.expect_punct(")", after)?;
    Ok(term)
}

/// A number or a parameter with one value.
fn factor(c: &mut Cursor<'_>) -> Result<Rational, Fault> {
    let token = c.bump();
    let what = ("数字或参数", "a number or a parameter");
    match token.tok {
        Tok::Number(text) => decimal(text).ok_or_else(|| too_large(token.at)),
        Tok::Word(name) => match c.ctx.params.get(name) {
            Some(ParamValue::Number(value)) => Ok(*value),
            Some(ParamValue::ByYear(_)) => Err(Fault::expected(
                token.at,
                ("只有一个值的参数", "a parameter with a single value"),
                (
                    &format!("“{name}”（按年取值）"),
                    &format!("`{name}`, which has a value per year"),
                ),
            )),
            None => {
                let known: Vec<&str> = c.ctx.params.keys().map(String::as_str).collect();
                Err(Fault::unknown(
                    token.at,
                    ("参数", "a parameter"),
                    &known,
                    name,
                ))
            }
        },
        _ => Err(c.fault_at(token, what)),
    }
}

/// The tokens of one expression, read front to back.
pub(super) struct Cursor<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    pos: usize,
    pub ctx: &'a Context<'a>,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, ctx: &'a Context<'a>) -> Result<Self, Fault> {
        Ok(Self {
            text,
            tokens: lex(text)?,
            pos: 0,
            ctx,
        })
    }

    /// The source text of the token at `at`.
    pub fn text_at(&self, at: usize) -> &'a str {
        let token = self
            .tokens
            .iter()
            .find(|t| t.at == at)
            .expect("a token starts there");
        &self.text[token.at..token.end]
    }

    /// The next token, not consumed.
    pub fn peek(&self) -> Token<'a> {
        self.tokens[self.pos]
    }

    /// The next token, consumed (the end stays the end).
    pub fn bump(&mut self) -> Token<'a> {
        let token = self.peek();
        if token.tok != Tok::End {
            self.pos += 1;
        }
        token
    }

    /// Consumes the word `word` if it is next.
    pub fn eat_word(&mut self, word: &str) -> bool {
        let next = self.peek().tok == Tok::Word(word);
        if next {
            self.pos += 1;
        }
        next
    }

    /// Consumes the punctuation `punct` if it is next.
    pub fn eat_punct(&mut self, punct: &str) -> bool {
        let next = matches!(self.peek().tok, Tok::Punct(p) if p == punct);
        if next {
            self.pos += 1;
        }
        next
    }

    /// "expected {what}, but found" the token.
    pub fn fault_at(&self, token: Token<'_>, what: (&str, &str)) -> Fault {
        let (zh, en) = token.describe();
        Fault::expected(token.at, what, (&zh, &en))
    }

    /// Consumes `punct`, or fails with "expected {what}".
    pub fn expect_punct(&mut self, punct: &str, what: (&str, &str)) -> Result<Token<'a>, Fault> {
        let token = self.peek();
        if self.eat_punct(punct) {
            Ok(token)
        } else {
            Err(self.fault_at(token, what))
        }
    }

    /// Succeeds at the end of the expression.
    pub fn expect_end(&self, what: (&str, &str)) -> Result<(), Fault> {
        let token = self.peek();
        if token.tok == Tok::End {
            Ok(())
        } else {
            Err(self.fault_at(token, what))
        }
    }

    /// Consumes any word.
    pub fn expect_word(&mut self, what: (&str, &str)) -> Result<&'a str, Fault> {
        match self.peek().tok {
            Tok::Word(word) => {
                self.pos += 1;
                Ok(word)
            }
            _ => Err(self.fault_at(self.peek(), what)),
        }
    }

    /// Consumes one of `words`, or fails listing them (or suggesting the closest).
    pub fn expect_one_of(
        &mut self,
        words: &[&'static str],
        what: (&str, &str),
    ) -> Result<&'static str, Fault> {
        let token = self.peek();
        if let Tok::Word(word) = token.tok {
            if let Some(known) = words.iter().find(|w| **w == word) {
                self.pos += 1;
                return Ok(known);
            }
            return Err(Fault::unknown(token.at, what, words, word));
        }
        let (zh, en) = listing(what, words, "");
        Err(self.fault_at(token, (&zh, &en)))
    }

    /// Consumes a name of `table` and gives its meaning.
    pub fn expect_name<T: Copy>(
        &mut self,
        table: Names<T>,
        what: (&str, &str),
    ) -> Result<T, Fault> {
        let word = self.expect_one_of(&names(table), what)?;
        Ok(lookup(table, word).expect("a name of the table"))
    }

    /// Consumes a whole number that fits `T`, with where it was.
    pub fn expect_whole<T: TryFrom<u64>>(
        &mut self,
        what: (&str, &str),
    ) -> Result<(T, usize), Fault> {
        let token = self.peek();
        if let Tok::Number(text) = token.tok
            && let Some(n) = text.parse::<u64>().ok().and_then(|n| T::try_from(n).ok())
        {
            self.pos += 1;
            return Ok((n, token.at));
        }
        Err(self.fault_at(token, what))
    }
}
