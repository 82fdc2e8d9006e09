//! 人员名单 — a list of persons (for a user allowed to see them: the store checks
//! role and scope) as CSV (UTF-8 with a byte-order mark) or XLSX, every cell
//! text and every text cell safe against formula injection ([`safe_cell`]):
//! a name is whatever a station typed, and must never run in a spreadsheet.

use std::str::FromStr;

use domain::message::FieldError;
use domain::registry::Person;
use domain::resident_id::Sex;
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::Format;
use super::cell::safe_cell;

/// The formats a list of persons is exported in: those for people, not the
/// aggregate exchange formats (ADX, DHIS2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Csv,
    Xlsx,
}

impl FromStr for ListFormat {
    type Err = FieldError;

    fn from_str(text: &str) -> Result<ListFormat, FieldError> {
        match text {
            "csv" => Ok(ListFormat::Csv),
            "xlsx" => Ok(ListFormat::Xlsx),
            other => {
                let shown: String = other.chars().take(40).collect();
                Err(FieldError::new(
                    "format",
                    format!("人员名单的格式应为 csv 或 xlsx，实为“{shown}”"),
                    format!("expected csv or xlsx for a list of persons, but found {shown:?}"),
                ))
            }
        }
    }
}

impl ListFormat {
    /// The same format among the table formats (for its extension and media type).
    pub fn format(self) -> Format {
        match self {
            ListFormat::Csv => Format::Csv,
            ListFormat::Xlsx => Format::Xlsx,
        }
    }

    /// The list in this format.
    pub fn render(self, persons: &[Person]) -> Result<Vec<u8>, XlsxError> {
        match self {
            ListFormat::Csv => Ok(persons_csv(persons).into_bytes()),
            ListFormat::Xlsx => persons_xlsx(persons),
        }
    }
}

const HEADERS: [&str; 9] = [
    "编号 Number",
    "姓名 Name",
    "身份证号 ID number",
    "性别 Sex",
    "出生日期 Birth date",
    "户籍地 Hukou",
    "村（社区） Unit",
    "登记日期 Registered",
    "离开日期 Left",
];

/// The cells of one person, as text.
fn cells(person: &Person) -> [String; 9] {
    [
        person.id.to_string(),
        person.name.clone(),
        person.resident_id.as_str().to_owned(),
        match person.sex {
            Sex::Male => "男 male".to_owned(),
            Sex::Female => "女 female".to_owned(),
        },
        person.birth_date.to_string(),
        person.hukou.to_string(),
        person.unit.to_string(),
        person.registered_on.to_string(),
        person
            .left_on
            .map(|day| day.to_string())
            .unwrap_or_default(),
    ]
}

/// The list as CSV text, starting with a byte-order mark.
pub fn persons_csv(persons: &[Person]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADERS).expect("writing to memory");
    for person in persons {
        let row = cells(person);
        writer
            .write_record(row.iter().map(|cell| safe_cell(cell).into_owned()))
            .expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    format!(
        "\u{feff}{}",
        String::from_utf8(bytes).expect("the cells are text")
    )
}

/// The list as the bytes of an XLSX file: every cell a string (never a formula,
/// and quoted as in CSV should it be saved as CSV again).
pub fn persons_xlsx(persons: &[Person]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    // Row by row into an anonymous temporary file, not memory: a district's
    // list may be hundreds of thousands of persons.
    let sheet = workbook
        .add_worksheet_with_constant_memory()?
        .set_name("人员名单")?;
    for (i, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *header, &bold)?;
        sheet.set_column_width(i as u16, if i == 2 { 22 } else { 14 })?;
    }
    for (r, person) in persons.iter().enumerate() {
        for (c, cell) in cells(person).iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, safe_cell(cell))?;
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use domain::resident_id::ResidentId;
    use jiff::civil::date;

    use super::*;

    fn person(id: i64, name: &str) -> Person {
        let resident_id = ResidentId::synthesize(420102, date(1990, 5, 17), 3, Sex::Female);
        Person {
            id,
            resident_id,
            name: name.into(),
            sex: Sex::Female,
            birth_date: date(1990, 5, 17),
            hukou: "420102".parse().unwrap(),
            registered_on: date(2025, 1, 1),
            left_on: Some(date(2025, 6, 1)),
            unit: "320211001003".parse().unwrap(),
        }
    }

    #[test]
    fn a_name_that_would_run_as_a_formula_is_quoted_in_both_formats() {
        let persons = [person(1, "=1+2"), person(2, "\tcmd"), person(3, "李四")];
        let csv = persons_csv(&persons);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[1].starts_with("1,'=1+2,"), "{}", lines[1]);
        assert!(lines[2].starts_with("2,'\tcmd,"), "{}", lines[2]);
        assert!(lines[3].starts_with("3,李四,"), "{}", lines[3]);
        assert!(lines[3].ends_with(",2025-01-01,2025-06-01"), "{}", lines[3]);

        let bytes = persons_xlsx(&persons).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("人员名单").unwrap();
        assert_eq!(sheet.get((1, 1)), Some(&Data::String("'=1+2".into())));
        assert_eq!(sheet.get((2, 1)), Some(&Data::String("'\tcmd".into())));
        assert_eq!(sheet.get((3, 1)), Some(&Data::String("李四".into())));
        assert_eq!(
            sheet.get((3, 2)),
            Some(&Data::String(persons[2].resident_id.as_str().into()))
        );
    }

    #[test]
    fn only_csv_and_xlsx_carry_persons() {
        assert_eq!("csv".parse::<ListFormat>().unwrap(), ListFormat::Csv);
        let error = "dhis2".parse::<ListFormat>().unwrap_err();
        assert_eq!(error.field, "format");
        insta::assert_snapshot!(error.message.to_string(), @"人员名单的格式应为 csv 或 xlsx，实为“dhis2” / expected csv or xlsx for a list of persons, but found \"dhis2\"");
    }
}
