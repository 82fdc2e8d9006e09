//! 行 — each data row of a file, cell by cell, into the change it asks for, or
//! every reason it cannot be (row number, column, and why, in both languages).
//! Rules about the registry (is the employer known, is the unit in scope, is the
//! person registered) are the planner's; this only reads cells.

use std::borrow::Cow;

use csv::StringRecord;
use domain::event::{Change, FactForm, ResidenceForm, RowError};
use domain::message::{FieldError, Message};
use domain::registry::{FactKind, Housing, NewPerson, SchoolKind};
use domain::reported_value::ReportedValue;
use store::{ImportRow, RowChange};

use super::cell::{date, resident_id, whole_number};
use super::column::narrow;
use super::{CategoryFact, Column, Shape, Template};
use crate::read::Table;

/// Why a row was not imported: `message`, about `column` (or the row as a whole).
pub(crate) fn row_error(row: u64, column: Option<Column>, message: Message) -> RowError {
    RowError {
        row,
        column: column.map_or("", Column::header).to_owned(),
        zh: message.zh,
        en: message.en,
    }
}

/// Where each of `template`'s columns is among `headers`, in the template's
/// order; fails naming the first column missing, or headed twice (身份证号 and
/// 身份证号码: which is the person's is not for the importer to guess).
pub(crate) fn column_positions(
    template: &Template,
    headers: &[String],
) -> Result<Vec<usize>, FieldError> {
    template
        .columns
        .iter()
        .map(|column| {
            let mut found = (0..headers.len()).filter(|&at| column.heads(&headers[at]));
            match (found.next(), found.next()) {
                (Some(at), None) => Ok(at),
                (Some(first), Some(second)) => {
                    Err(twice(*column, &headers[first], &headers[second]))
                }
                (None, _) => Err(missing(template, *column)),
            }
        })
        .collect()
}

fn twice(column: Column, first: &str, second: &str) -> FieldError {
    FieldError::new(
        "file",
        format!(
            "文件有两列都可作“{}”列：“{first}”和“{second}”，请删除或改名其中一列",
            column.header()
        ),
        format!(
            "expected one column headed {:?}, but found two that may be it, {first:?} and {second:?}: delete or rename one",
            column.header()
        ),
    )
}

/// The rows of `table` as changes, and the reasons of the rows that are not
/// (each such row has one or more). Fails as a whole only when a column of
/// the template is missing, or the CSV cannot be read.
pub fn parse_rows(
    template: &Template,
    table: &Table,
) -> Result<(Vec<ImportRow>, Vec<RowError>), FieldError> {
    let positions = column_positions(template, &table.headers)?;
    // Each row on its own, as the table reads them.
    let parsed: Vec<Result<ImportRow, Vec<RowError>>> = table.map_rows(|number, record| {
        let mut cells = Cells {
            template,
            positions: &positions,
            record,
            number,
            errors: Vec::new(),
        };
        if cells.is_footer() {
            return Err(vec![footer(number)]);
        }
        match cells.change() {
            Some(change) if cells.errors.is_empty() => Ok(ImportRow {
                row: number,
                change,
            }),
            _ => Err(cells.errors),
        }
    })?;
    let mut errors = Vec::new();
    // Collected in place: a row and its result are the same size, and a
    // large file's rows are hundreds of megabytes.
    let rows = parsed
        .into_iter()
        .filter_map(|row| match row {
            Ok(row) => Some(row),
            Err(mut bad) => {
                errors.append(&mut bad);
                None
            }
        })
        .collect();
    Ok((rows, errors))
}

fn missing(template: &Template, column: Column) -> FieldError {
    let aliases = column.aliases();
    let (also_zh, also_en) = if aliases.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!("（或“{}”）", aliases.join("”“")),
            format!(" (or {})", aliases.join(", ")),
        )
    };
    FieldError::new(
        "file",
        format!(
            "{}模板的文件缺少“{}”{also_zh}列（表头须与模板一致）",
            template.name,
            column.header()
        ),
        format!(
            "expected a column headed {:?}{also_en} in a {} file, but found none (headers must match the template)",
            column.header(),
            template.kind()
        ),
    )
}

/// Words of a row that sums the rows above it or signs the sheet.
const FOOTER_WORDS: [&str; 6] = ["合计", "总计", "小计", "制表", "填表", "审核"];

/// Why a total or a signature line is not imported: it is not data.
fn footer(row: u64) -> RowError {
    row_error(
        row,
        None,
        Message::new(
            "这一行是合计或落款，不是数据：请删除该行",
            "expected a row of data, but this one is a total or a signature line: delete it",
        ),
    )
}

/// One row being read, with the reasons found so far.
struct Cells<'a> {
    template: &'a Template,
    positions: &'a [usize],
    record: &'a StringRecord,
    number: u64,
    errors: Vec<RowError>,
}

impl Cells<'_> {
    /// Whether the row is a total or a signature line (合计, 制表人: …) below
    /// the data: its first column (the ID number, or the unit) is empty and a
    /// cell holds one of [`FOOTER_WORDS`]. Told so, a person deletes it rather
    /// than look for a missing ID number.
    fn is_footer(&self) -> bool {
        self.text(self.template.columns[0]).is_empty()
            && self
                .record
                .iter()
                .any(|cell| FOOTER_WORDS.iter().any(|word| cell.contains(word)))
    }

    fn text(&self, column: Column) -> &str {
        let index = self
            .template
            .columns
            .iter()
            .position(|c| *c == column)
            .expect("a template reads only its own columns");
        self.record.get(self.positions[index]).unwrap_or("")
    }

    fn fail(&mut self, column: Column, zh: String, en: String) {
        self.errors
            .push(row_error(self.number, Some(column), Message::new(zh, en)));
    }

    /// The cell parsed by `parse`, or `None` (with the reason noted) when empty
    /// and `required`, or when it does not parse. Full-width digits, letters
    /// and signs (`２０２４－０３－０１`, typed in a Chinese input method's
    /// full-width mode) are read as their ASCII forms, but in a name, which
    /// is kept as written.
    fn read<T>(
        &mut self,
        column: Column,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, Message>,
    ) -> Option<T> {
        let text = self.text(column);
        let text: Cow<'_, str> = if column == Column::Name || text.chars().all(|c| narrow(c) == c) {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(text.chars().map(narrow).collect())
        };
        if text.is_empty() {
            if required {
                self.fail(
                    column,
                    format!("“{}”不能为空", column.header()),
                    format!(
                        "expected a value in {:?}, but the cell is empty",
                        column.header()
                    ),
                );
            }
            return None;
        }
        match parse(&text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors
                    .push(row_error(self.number, Some(column), message));
                None
            }
        }
    }

    fn change(&mut self) -> Option<RowChange> {
        match self.template.shape {
            Shape::Registration => self.registration(),
            Shape::PersonFact(categories) => {
                let category = if categories.len() == 1 {
                    Some(&categories[0])
                } else {
                    self.read(Column::Category, true, |text| {
                        categories
                            .iter()
                            .find(|c| c.label == text)
                            .ok_or_else(|| one_of(text, categories.iter().map(|c| c.label)))
                    })
                };
                let fact = match category.map(|c| &c.fact) {
                    Some(CategoryFact::LabourContract) => self
                        .read(Column::Employer, true, record_number)
                        .map(|employer| FactKind::LabourContract { employer }),
                    Some(CategoryFact::Fixed(fact)) => {
                        if self.template.columns.contains(&Column::Employer) {
                            self.read(Column::Employer, false, |_| {
                                Err::<(), _>(Message::new(
                                    "只有劳动合同填写用人单位编号",
                                    "expected no employer except for a labour contract",
                                ))
                            });
                        }
                        Some(fact.clone())
                    }
                    None => None,
                };
                self.person_fact(fact)
            }
            Shape::Schooling => {
                let school = self
                    .read(Column::School, true, school)
                    .map(|school| FactKind::Schooling { school });
                self.person_fact(school)
            }
            Shape::Value => self.value(),
        }
    }

    fn person_fact(&mut self, fact: Option<FactKind>) -> Option<RowChange> {
        let resident_id = self.read(Column::ResidentId, true, resident_id);
        let name = self.read(Column::Name, true, |text| Ok(text.to_owned()));
        let from = self.read(Column::From, true, date);
        let to = self.read(Column::To, false, date);
        Some(RowChange::PersonFact {
            resident_id: resident_id?,
            name: name?,
            fact: fact?,
            from: from?,
            to,
        })
    }

    fn registration(&mut self) -> Option<RowChange> {
        let resident_id = self.read(Column::ResidentId, true, resident_id);
        let name = self.read(Column::Name, true, |text| Ok(text.to_owned()));
        let on = self.read(Column::Registered, true, date);
        let unit = self.read(Column::Village, true, |text| {
            text.parse().map_err(|e: FieldError| e.message)
        });
        let housing = self.read(Column::Housing, true, housing);
        let place = self.read(Column::Place, false, record_number);
        let permit = self.read(Column::Permit, false, |text| Ok(text.to_owned()));
        let on = on?;
        Some(RowChange::Change(Change::Register {
            person: NewPerson {
                resident_id: resident_id?,
                name: name?,
            },
            on,
            residence: ResidenceForm {
                housing: housing?,
                unit: unit?,
                place,
            },
            facts: permit
                .map(|number| FactForm {
                    fact: FactKind::TemporaryResidencePermit { number },
                    from: on,
                    to: None,
                })
                .into_iter()
                .collect(),
        }))
    }

    fn value(&mut self) -> Option<RowChange> {
        let unit = self.read(Column::Unit, true, |text| {
            text.parse().map_err(|e: FieldError| e.message)
        });
        let name = self.read(Column::ValueName, true, |text| Ok(text.to_owned()));
        let from = self.read(Column::From, true, date);
        let to = self.read(Column::To, true, date);
        let value = self.read(Column::Value, true, |text| {
            whole_number(text).ok_or_else(|| {
                Message::new(
                    format!("数值应为整数，实为“{text}”"),
                    format!("expected a whole number, but found {text:?}"),
                )
            })
        });
        Some(RowChange::Change(Change::ReportValue {
            value: ReportedValue {
                unit: unit?,
                name: name?,
                from: from?,
                to: to?,
                value: value?,
            },
        }))
    }
}

fn one_of<'a>(text: &str, allowed: impl Iterator<Item = &'a str>) -> Message {
    let allowed: Vec<&str> = allowed.collect();
    Message::new(
        format!("应为 {} 之一，实为“{text}”", allowed.join("、")),
        format!("expected one of {}, but found {text:?}", allowed.join(", ")),
    )
}

fn record_number(text: &str) -> Result<i64, Message> {
    whole_number(text).filter(|n| *n > 0).ok_or_else(|| {
        Message::new(
            format!("对象编号应为正整数，实为“{text}”"),
            format!("expected a record number (a positive whole number), but found {text:?}"),
        )
    })
}

fn housing(text: &str) -> Result<Housing, Message> {
    const LABELS: [(&str, Housing); 4] = [
        ("集中居住区", Housing::ConcentratedZone),
        ("出租私房", Housing::RentedHouse),
        ("单位宿舍", Housing::EmployerDormitory),
        ("自购房", Housing::OwnHome),
    ];
    LABELS
        .iter()
        .find(|(label, _)| *label == text)
        .map(|(_, housing)| *housing)
        .ok_or_else(|| one_of(text, LABELS.iter().map(|(label, _)| *label)))
}

fn school(text: &str) -> Result<SchoolKind, Message> {
    const LABELS: [(&str, SchoolKind); 3] = [
        ("公办学校", SchoolKind::Public),
        ("民办学校", SchoolKind::Private),
        ("民工子弟学校", SchoolKind::MigrantChildren),
    ];
    LABELS
        .iter()
        .find(|(label, _)| *label == text)
        .map(|(_, school)| *school)
        .ok_or_else(|| one_of(text, LABELS.iter().map(|(label, _)| *label)))
}
