//! Builds a [`Hierarchy`] from the NBS division files (`cities.csv`, `areas.csv`,
//! `streets.csv`, `villages.csv`, as in `data/china-divisions`) and a city's own
//! `history.csv` of abolished and new units. Takes the files' contents, reads no file
//! itself; errors name the file, the line and the reason.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use jiff::civil::Date;
use serde::Serialize;

use super::{Hierarchy, Unit, check_days, check_inside};
use crate::division::{CodeLevel, DivisionCode};
use crate::message::{FieldError, Message};

/// The contents of the division files of one city or of the whole country, each with
/// its header row, as `data/china-divisions` has them (UTF-8, a BOM allowed).
#[derive(Debug, Clone, Copy)]
pub struct DivisionFiles<'a> {
    /// `code,name,provinceCode`
    pub cities: &'a str,
    /// `code,name,cityCode,provinceCode`
    pub areas: &'a str,
    /// `code,name,areaCode,provinceCode,cityCode`
    pub streets: &'a str,
    /// `code,name,streetCode,provinceCode,cityCode,areaCode`
    pub villages: &'a str,
    /// `code,name,parentCode,validFrom,validTo,successorCode` — units that were
    /// abolished (added) or created on a date (dates set), applied after the others.
    pub history: Option<&'a str>,
}

impl DivisionFiles<'static> {
    /// Wuxi's files, embedded in the binary, with the 2015 merger into 梁溪区.
    pub fn wuxi() -> DivisionFiles<'static> {
        DivisionFiles {
            cities: include_str!("../../../data/wuxi/cities.csv"),
            areas: include_str!("../../../data/wuxi/areas.csv"),
            streets: include_str!("../../../data/wuxi/streets.csv"),
            villages: include_str!("../../../data/wuxi/villages.csv"),
            history: Some(include_str!("../../../data/wuxi/history.csv")),
        }
    }
}

/// A division file that cannot be read: which file, which line, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct CsvError {
    /// The file's name, e.g. `streets.csv`.
    pub file: String,
    /// The line (from 1, the header being line 1); `None` for the file as a whole.
    pub line: Option<u64>,
    /// The reason in Chinese and English.
    pub message: Message,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl From<CsvError> for FieldError {
    /// The field is the place, `file:line`.
    fn from(error: CsvError) -> Self {
        let field = match error.line {
            Some(line) => format!("{}:{line}", error.file),
            None => error.file,
        };
        FieldError {
            field,
            message: error.message,
        }
    }
}

static WUXI: LazyLock<Hierarchy> = LazyLock::new(|| {
    let city = DivisionCode::from_u64(320_200_000_000).expect("3202 is a city code");
    Hierarchy::from_csv(city, DivisionFiles::wuxi())
        .unwrap_or_else(|error| panic!("embedded Wuxi divisions: {error}"))
});

impl Hierarchy {
    /// Wuxi (无锡市, 3202), the default city: 7 districts and county-level cities, 88
    /// towns and streets, 1,254 villages and communities, and the districts merged
    /// into 梁溪区 on 2015-10-29. Built once; clone it to change it.
    pub fn wuxi() -> &'static Hierarchy {
        &WUXI
    }

    /// The hierarchy of `city` (a 4-digit city code) from the division files; rows of
    /// other cities are skipped. A row whose code only repeats its parent (e.g.
    /// 东莞市 441900 listed as an area of 4419) stands for the parent and is skipped.
    pub fn from_csv(city: DivisionCode, files: DivisionFiles<'_>) -> Result<Hierarchy, CsvError> {
        let whole = |zh: String, en: String| CsvError {
            file: "cities.csv".into(),
            line: None,
            message: Message::new(zh, en),
        };
        if city.level() != CodeLevel::City {
            return Err(whole(
                format!("应为 4 位的市级代码，实为 {city}"),
                format!("expected a 4-digit city code, but found {city}"),
            ));
        }
        let prefix = city.to_string();
        let mut units = BTreeMap::new();
        read_rows(
            "cities.csv",
            files.cities,
            &["code", "name"],
            |fields| fields[0] == prefix.as_bytes(),
            |_, fields| {
                let name = parse_name(fields[1])?;
                units.insert(
                    city,
                    Unit {
                        code: city,
                        name,
                        parent: None,
                        valid_from: None,
                        valid_to: None,
                        successor: None,
                    },
                );
                Ok(())
            },
        )?;
        if units.is_empty() {
            return Err(whole(
                format!("未找到城市 {city}"),
                format!("expected a row for city {city}, but found none"),
            ));
        }
        let levels = [
            (
                "areas.csv",
                files.areas,
                "cityCode",
                CodeLevel::District,
                CodeLevel::City,
            ),
            (
                "streets.csv",
                files.streets,
                "areaCode",
                CodeLevel::Town,
                CodeLevel::District,
            ),
            (
                "villages.csv",
                files.villages,
                "streetCode",
                CodeLevel::Village,
                CodeLevel::Town,
            ),
        ];
        for (file, text, parent_column, level, parent_level) in levels {
            let keep = |fields: &[&[u8]]| fields[0].starts_with(prefix.as_bytes());
            read_rows(
                file,
                text,
                &["code", "name", parent_column],
                keep,
                |_, fields| {
                    let code = parse_code(fields[0], level)?;
                    let parent = parse_code(fields[2], parent_level)?;
                    if code == parent {
                        return Ok(()); // the parent, listed again one level down
                    }
                    if !units.contains_key(&parent) {
                        return Err(Message::new(
                            format!("上级区划 {parent} 未找到"),
                            format!(
                                "expected parent {parent} to be listed before, but it was not found"
                            ),
                        ));
                    }
                    check_inside(parent, code).map_err(|error| error.message)?;
                    if code.level() != level {
                        return Err(bad_code(fields[0], level));
                    }
                    let unit = Unit {
                        code,
                        name: parse_name(fields[1])?,
                        parent: Some(parent),
                        valid_from: None,
                        valid_to: None,
                        successor: None,
                    };
                    if units.insert(code, unit).is_some() {
                        return Err(Message::new(
                            format!("区划代码 {code} 重复"),
                            format!("expected each code once, but found {code} again"),
                        ));
                    }
                    Ok(())
                },
            )?;
        }
        let mut hierarchy = Hierarchy::from_sorted(units.into_values().collect());
        if let Some(history) = files.history {
            hierarchy.apply_history(history)?;
        }
        Ok(hierarchy)
    }

    /// Applies `history.csv`: a row of a unit not yet known adds it (with its
    /// parent); a row of a known unit sets the dates given (its name, if given, must
    /// match). Successors are set last, once every row's unit exists.
    fn apply_history(&mut self, text: &str) -> Result<(), CsvError> {
        const FILE: &str = "history.csv";
        let columns = [
            "code",
            "name",
            "parentCode",
            "validFrom",
            "validTo",
            "successorCode",
        ];
        let mut successors = Vec::new();
        read_rows(
            FILE,
            text,
            &columns,
            |_| true,
            |line, fields| {
                let code: DivisionCode = utf8(fields[0])?
                    .parse()
                    .map_err(|error: FieldError| error.message)?;
                let name = utf8(fields[1])?.trim();
                let parent = optional(fields[2], |text| {
                    text.parse::<DivisionCode>().map_err(|error| error.message)
                })?;
                let valid_from = optional(fields[3], date)?;
                let valid_to = optional(fields[4], date)?;
                if let Some(successor) = optional(fields[5], |text| {
                    text.parse::<DivisionCode>().map_err(|error| error.message)
                })? {
                    successors.push((line, code, successor));
                }
                match self.unit_mut(code) {
                    Some(unit) => {
                        if !name.is_empty() && name != unit.name {
                            return Err(Message::new(
                                format!("区划 {code} 的名称应为“{}”，实为“{name}”", unit.name),
                                format!(
                                    "expected the name of {code} to be {:?}, but found {name:?}",
                                    unit.name
                                ),
                            ));
                        }
                        if parent.is_some_and(|parent| Some(parent) != unit.parent) {
                            return Err(Message::new(
                                format!("区划 {code} 的上级与已有数据不符"),
                                format!(
                                    "expected the parent of {code} to be as listed, but found another"
                                ),
                            ));
                        }
                        unit.valid_from = valid_from.or(unit.valid_from);
                        unit.valid_to = valid_to.or(unit.valid_to);
                        check_days(unit.valid_from, unit.valid_to)
                    }
                    None => {
                        let unit = Unit {
                            code,
                            name: name.to_string(),
                            parent,
                            valid_from,
                            valid_to,
                            successor: None,
                        };
                        self.add_unit(unit).map_err(|error| error.message)
                    }
                }
            },
        )?;
        for (line, code, successor) in successors {
            let at = |message: Message| CsvError {
                file: FILE.into(),
                line,
                message,
            };
            self.require(successor, "successorCode")
                .map_err(|error| at(error.message))?;
            if successor == code || self.chain_loops(code, successor) {
                return Err(at(Message::new(
                    format!("区划 {code} 的继承关系成环"),
                    format!(
                        "expected a chain of successors that ends, but {code} leads back to itself"
                    ),
                )));
            }
            self.unit_mut(code).expect("added above").successor = Some(successor);
        }
        Ok(())
    }

    /// Whether following successors from `next` reaches `start`.
    fn chain_loops(&self, start: DivisionCode, mut next: DivisionCode) -> bool {
        for _ in 0..self.len() {
            if next == start {
                return true;
            }
            match self.unit(next).and_then(|unit| unit.successor) {
                Some(successor) => next = successor,
                None => return false,
            }
        }
        true
    }
}

/// The most columns any file's rows are read by.
const MAX_COLUMNS: usize = 6;

/// Reads the rows of `text`, finding `columns` by the header; `keep` sees the fields
/// (in the order of `columns`) of each row before `each` parses it with its line.
fn read_rows(
    file: &str,
    text: &str,
    columns: &[&str],
    keep: impl Fn(&[&[u8]]) -> bool,
    mut each: impl FnMut(Option<u64>, &[&[u8]]) -> Result<(), Message>,
) -> Result<(), CsvError> {
    let at = |line: Option<u64>, message: Message| CsvError {
        file: file.into(),
        line,
        message,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let malformed = |error: csv::Error| {
        let line = error.position().map(|position| position.line());
        at(
            line,
            Message::new(
                format!("格式错误的行：{error}"),
                format!("expected a well-formed CSV row, but found: {error}"),
            ),
        )
    };
    let header = reader.byte_headers().map_err(malformed)?.clone();
    assert!(columns.len() <= MAX_COLUMNS);
    let mut indices = Vec::with_capacity(columns.len());
    for column in columns {
        let Some(index) = header.iter().position(|name| name == column.as_bytes()) else {
            return Err(at(
                Some(1),
                Message::new(
                    format!("表头缺少列 {column}"),
                    format!("expected a column named {column} in the header, but found none"),
                ),
            ));
        };
        indices.push(index);
    }
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(malformed)? {
        let mut row: [&[u8]; MAX_COLUMNS] = [&[]; MAX_COLUMNS];
        for (field, &index) in row.iter_mut().zip(&indices) {
            *field = &record[index];
        }
        let fields = &row[..indices.len()];
        if keep(fields) {
            let line = record.position().map(|position| position.line());
            each(line, fields).map_err(|message| at(line, message))?;
        }
    }
    Ok(())
}

fn utf8(field: &[u8]) -> Result<&str, Message> {
    std::str::from_utf8(field).map_err(|_| {
        Message::new(
            "字段不是有效的 UTF-8 文本",
            "expected UTF-8 text, but found invalid bytes",
        )
    })
}

fn parse_name(field: &[u8]) -> Result<String, Message> {
    let name = utf8(field)?.trim();
    if name.is_empty() {
        return Err(Message::new(
            "名称不能为空",
            "expected a name, but found an empty field",
        ));
    }
    Ok(name.to_string())
}

fn level_name(level: CodeLevel) -> (&'static str, &'static str) {
    match level {
        CodeLevel::Province => ("省级", "province"),
        CodeLevel::City => ("市级", "city"),
        CodeLevel::District => ("县级", "district"),
        CodeLevel::Town => ("乡级", "town"),
        CodeLevel::Village => ("村级", "village"),
    }
}

fn bad_code(field: &[u8], level: CodeLevel) -> Message {
    let (zh, en) = level_name(level);
    let digits = level.digits();
    let found = String::from_utf8_lossy(field);
    Message::new(
        format!("应为 {digits} 位数字的{zh}区划代码，实为“{found}”"),
        format!("expected a {digits}-digit {en} code, but found {found:?}"),
    )
}

/// A code of `level` digits; one whose trailing parts are zero comes out at a higher
/// level (the caller decides whether that is a repeated parent or an error).
fn parse_code(field: &[u8], level: CodeLevel) -> Result<DivisionCode, Message> {
    let digits = level.digits() as usize;
    if field.len() != digits || !field.iter().all(u8::is_ascii_digit) {
        return Err(bad_code(field, level));
    }
    let value = field.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    DivisionCode::from_u64(value * 10u64.pow(12 - level.digits()))
        .ok_or_else(|| bad_code(field, level))
}

fn optional<T>(
    field: &[u8],
    parse: impl Fn(&str) -> Result<T, Message>,
) -> Result<Option<T>, Message> {
    let text = utf8(field)?.trim();
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn date(text: &str) -> Result<Date, Message> {
    text.parse::<Date>().map_err(|_| {
        Message::new(
            format!("日期应为 YYYY-MM-DD 格式，实为“{text}”"),
            format!("expected a date YYYY-MM-DD, but found {text:?}"),
        )
    })
}
