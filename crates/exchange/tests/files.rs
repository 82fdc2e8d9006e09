//! Department files as they arrive: every committed example reads without a bad
//! row, GBK reads like UTF-8, each template's XLSX reads back with its headers,
//! bad cells are named by row and column, headers and dates are read as
//! department systems write them (a header below title rows, on a worksheet
//! after a notes sheet), an ID number Excel made a number is refused as
//! such, a zip bomb is refused unread, and a file of too many rows is refused
//! before it is planned.

use std::io::Write;
use std::path::PathBuf;

use domain::event::Change;
use domain::policy::Policy;
use exchange::limits::Limits;
use exchange::read::{Table, read};
use exchange::template::{TEMPLATES, Template, parse_rows, template_workbook};
use store::RowChange;

fn example(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/examples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `bytes` read as a file of any template.
fn table(bytes: &[u8]) -> Table<'_> {
    let is_header = |row: &csv::StringRecord| TEMPLATES.iter().any(|t| t.is_header(row));
    read(bytes, None, &Limits::default(), &is_header).unwrap()
}

#[test]
fn every_departments_example_reads_without_a_bad_row() {
    for template in &TEMPLATES {
        let bytes = example(&format!("{}.csv", template.kind()));
        let table = table(&bytes);
        let (rows, errors) = parse_rows(template, &table).unwrap();
        assert!(errors.is_empty(), "{}: {errors:?}", template.kind());
        assert_eq!(
            rows.len(),
            table.rows().unwrap().len(),
            "{}",
            template.kind()
        );
    }
}

#[test]
fn a_gbk_file_saved_by_excel_reads_like_its_utf8_twin() {
    let (gbk, utf8) = (example("labour-gbk.csv"), example("labour.csv"));
    let (gbk, utf8) = (table(&gbk), table(&utf8));
    assert_eq!(gbk.headers, utf8.headers);
    assert_eq!(gbk.rows().unwrap(), utf8.rows().unwrap());
}

#[test]
fn each_template_workbook_reads_back_with_its_headers() {
    for template in &TEMPLATES {
        let bytes = template_workbook(template, Policy::seed()).unwrap();
        let table = table(&bytes);
        let headers: Vec<&str> = template.columns.iter().map(|c| c.header()).collect();
        assert_eq!(table.headers, headers, "{}", template.kind());
        assert!(table.rows().unwrap().is_empty());
    }
}

#[test]
fn the_statistics_template_lists_the_value_names_the_policy_reads() {
    use calamine::{Reader, Xlsx};
    let statistics = Template::named("statistics").unwrap();
    let bytes = template_workbook(statistics, Policy::seed()).unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let notes = workbook.worksheet_range("说明").unwrap();
    let row = notes.rows().find(|row| row[0] == "指标名称").unwrap();
    let names: Vec<&str> = Policy::seed().value_names().into_iter().collect();
    assert_eq!(row[4].to_string(), names.join("、"));
    assert!(names.contains(&"hotel_guests_verified"));
}

#[test]
fn bad_cells_are_named_by_row_and_column_in_both_languages() {
    let csv = "身份证号,姓名,信息类别,用人单位编号,开始日期,结束日期\n\
               420102198705060111,张伟,劳动合同,,2024-04-01,\n\
               420102198705060112,王芳,年假,,2024-13-01,\n";
    let labour = Template::named("劳动").unwrap();
    let (rows, errors) = parse_rows(labour, &table(csv.as_bytes())).unwrap();
    assert!(rows.is_empty());
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}: {} / {}", e.row, e.column, e.zh, e.en))
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
    2 用人单位编号: “用人单位编号”不能为空 / expected a value in "用人单位编号", but the cell is empty
    3 信息类别: 应为 劳动合同、养老保险、医疗保险、失业保险、工伤保险、技能培训、高危行业岗位 之一，实为“年假” / expected one of 劳动合同, 养老保险, 医疗保险, 失业保险, 工伤保险, 技能培训, 高危行业岗位, but found "年假"
    3 身份证号: 校验码应为 1，实为 2 / expected check digit 1, but found 2
    3 开始日期: 日期应为 YYYY-MM-DD 格式（或 YYYY/M/D、YYYYMMDD、YYYY年M月D日）的有效日期，实为“2024-13-01” / expected a valid date as YYYY-MM-DD (or YYYY/M/D, YYYYMMDD, YYYY年M月D日), but found "2024-13-01"
    "#);
}

#[test]
fn headers_and_dates_are_read_as_department_systems_write_them() {
    // A header typed with ASCII brackets; dates as a database export, a
    // department system and Excel in a Chinese locale write them; a row typed
    // in an input method's full-width mode.
    let csv = "身份证号,姓名,登记日期,村(社区)代码,居住方式,居住场所编号,暂住证号码\n\
               420102198705060111,张伟,2024-03-01 00:00:00,320211001003,自购房,,\n\
               420102198705060218,王芳,20240301,320211001003,自购房,,\n\
               420102198705060314,李娜,2024年3月1日,320211001003,自购房,,\n\
               420102198705060410,赵强,2024/3/1 0:00,320211001003,自购房,,\n\
               ４２０１０２１９８７０５０６０５１７,钱明,２０２４－０３－０１,３２０２１１００１００３,自购房,,\n";
    let police = Template::named("public_security").unwrap();
    let (rows, errors) = parse_rows(police, &table(csv.as_bytes())).unwrap();
    assert_eq!(errors, []);
    let days: Vec<String> = rows
        .iter()
        .map(|row| match &row.change {
            RowChange::Change(Change::Register { on, .. }) => on.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(days, ["2024-03-01"; 5]);
}

#[test]
fn a_workbooks_data_is_found_below_its_title_and_after_a_notes_sheet() {
    let labour = Template::named("labour").unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "填表说明：本表每月报送一次")
        .unwrap();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "2024年4月参保人员台账").unwrap();
    sheet.write_string(1, 0, "报送单位：市劳动局").unwrap();
    sheet.write_string(3, 0, "序号").unwrap();
    for (column, header) in labour.columns.iter().enumerate() {
        sheet
            .write_string(3, column as u16 + 1, header.header())
            .unwrap();
    }
    let row = [
        "1",
        "420102198705060111",
        "张伟",
        "养老保险",
        "",
        "2024-04-01",
    ];
    for (column, text) in row.into_iter().enumerate() {
        sheet.write_string(4, column as u16, text).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let table = table(&bytes);
    assert_eq!(table.headers[0], "序号");
    let (rows, errors) = parse_rows(labour, &table).unwrap();
    assert_eq!(errors, []);
    // Numbered as Excel shows them.
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [5]);
}

#[test]
fn a_total_or_a_signature_line_is_named_as_such() {
    let csv = "序号,身份证号,姓名,信息类别,用人单位编号,开始日期,结束日期\n\
               1,420102198705060111,张伟,养老保险,,2024-04-01,\n\
               合计,,,,,,\n\
               制表人：王芳,,,,,,\n";
    let labour = Template::named("labour").unwrap();
    let (rows, errors) = parse_rows(labour, &table(csv.as_bytes())).unwrap();
    assert_eq!(rows.len(), 1);
    let reasons: Vec<(u64, &str, &str)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.en.as_str()))
        .collect();
    let footer = "expected a row of data, but this one is a total or a signature line: delete it";
    assert_eq!(reasons, [(3, "", footer), (4, "", footer)]);
}

#[test]
fn a_column_is_known_by_the_other_headers_department_systems_give_it() {
    let csv = "公民身份号码,姓名,信息类别,用人单位编号,起始日期,终止日期\n\
               420102198705060111,张伟,养老保险,,2024-04-01,2024-12-31\n";
    let labour = Template::named("labour").unwrap();
    let (rows, errors) = parse_rows(labour, &table(csv.as_bytes())).unwrap();
    assert_eq!(errors, []);
    assert_eq!(rows.len(), 1);
}

#[test]
fn an_id_number_typed_into_a_number_cell_is_refused_as_a_number() {
    let labour = Template::named("labour").unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in labour.columns.iter().enumerate() {
        sheet
            .write_string(0, column as u16, header.header())
            .unwrap();
    }
    // What Excel keeps of 420102198705060111 typed into a number cell.
    sheet.write_number(1, 0, 420102198705060000.0).unwrap();
    for (column, text) in [(1, "张伟"), (2, "养老保险"), (4, "2024-04-01")] {
        sheet.write_string(1, column, text).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let (_, errors) = parse_rows(labour, &table(&bytes)).unwrap();
    let reasons: Vec<&str> = errors.iter().map(|e| e.en.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "expected an ID number as text, but found a number (4.2010219870506E17), \
             of which Excel keeps 15 digits and the last are lost: format the column as \
             text and export it again"
        ]
    );
}

#[test]
fn a_file_without_a_templates_column_is_refused_as_a_whole() {
    let labour = Template::named("labour").unwrap();
    let error = parse_rows(labour, &table("身份证号,姓名\n1,2\n".as_bytes())).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @r#"file: 劳动模板的文件缺少“信息类别”列（表头须与模板一致） / expected a column headed "信息类别" in a labour file, but found none (headers must match the template)"#);
    let twice = "身份证号,身份证号码,姓名,信息类别,用人单位编号,开始日期,结束日期\n";
    let error = parse_rows(labour, &table(twice.as_bytes())).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @r#"file: 文件有两列都可作“身份证号”列：“身份证号”和“身份证号码”，请删除或改名其中一列 / expected one column headed "身份证号", but found two that may be it, "身份证号" and "身份证号码": delete or rename one"#);
    let error = parse_rows(labour, &table("姓名,信息类别\n甲,乙\n".as_bytes())).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @r#"file: 劳动模板的文件缺少“身份证号”（或“身份证号码”“公民身份号码”“公民身份证号码”）列（表头须与模板一致） / expected a column headed "身份证号" (or 身份证号码, 公民身份号码, 公民身份证号码) in a labour file, but found none (headers must match the template)"#);
}

/// A zip whose one part unpacks to `size` zero bytes (a few KB packed).
fn zip_bomb(size: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..size / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    let bomb = zip_bomb(64 << 20);
    assert!(bomb.len() < 1 << 20, "{} bytes packed", bomb.len());
    let limits = Limits {
        unpacked_bytes: 8 << 20,
        ..Limits::default()
    };
    let error = read(&bomb, None, &limits, &|_| false).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @"file: XLSX 文件解压后超过上限 8388608 字节（疑似压缩炸弹），已拒绝 / expected an XLSX of at most 8388608 bytes once unpacked, but it unpacks to more (a zip bomb?); refused");
}

#[test]
fn a_file_of_more_rows_than_the_limit_is_refused_before_it_is_planned() {
    let limits = Limits {
        rows: 2,
        ..Limits::default()
    };
    // Blank rows and the header do not count.
    let csv = "a,b\n1,2\n\n3,4\n";
    assert_eq!(
        read(csv.as_bytes(), None, &limits, &|_| false)
            .unwrap()
            .rows()
            .unwrap()
            .len(),
        2
    );
    let error = read(format!("{csv}5,6\n").as_bytes(), None, &limits, &|_| false).unwrap_err();
    insta::assert_snapshot!(error.to_string(), @"file: 文件有 3 行数据，超过上限 2 行：请拆分为几个文件 / expected at most 2 data rows, but found 3: split the file");
    // Records ended by carriage returns alone count as well.
    let old_mac = read(b"a,b\r1,2\r3,4\r5,6\r", None, &limits, &|_| false).unwrap_err();
    assert_eq!(old_mac.to_string(), error.to_string());
}
