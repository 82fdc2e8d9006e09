//! Department files through the pages: the form offers the viewer's own
//! templates, an upload is followed on its own page to its report (bad rows by
//! row, column and reason, and as XLSX), the history of the viewer's runs is
//! the log's and each run's report has a page of its own, which says how many
//! rows ended or corrected a fact (a leader sees the city's runs, not their
//! rows; a run cut off between its batches is listed as unfinished), a form
//! without its CSRF token starts nothing, and another
//! department's file, a file too large or none at all is refused beside the
//! form.

use axum::http::{StatusCode, header};
use domain::access::{Department, Role, User};
use domain::resident_id::{ResidentId, Sex};
use exchange::import::{self, Mode, Options, Report};
use exchange::template::Template;

use crate::support::*;
use crate::visitor::{Page, Visitor};

/// A police file: a good row, then a row whose village is outside the city.
fn arrivals() -> Vec<u8> {
    format!(
        "身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n\
         {},张伟,2024-03-01,{BINHU_VILLAGE},自购房,,\n\
         {},王芳,2024-03-01,110101001001,自购房,,\n",
        resident_id(1).as_str(),
        resident_id(2).as_str(),
    )
    .into_bytes()
}

/// The police's data manager, for the whole city.
fn police(test: &TestApp) -> User {
    test.user_of(
        "police",
        Role::DepartmentManager,
        "3202",
        Some(Department::PublicSecurity),
    )
}

/// Fails unless `page` shows `text`.
fn shows(page: &Page, text: &str) {
    assert!(page.html.contains(text), "no {text:?} in {}", page.html);
}

/// Sends `file` from `form` with `fields` and the status `expected`.
async fn send(
    visitor: &mut Visitor<'_>,
    form: &Page,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
    expected: StatusCode,
) -> Page {
    let answer = visitor.upload("/imports", form, fields, file).await;
    assert_eq!(answer.status, expected, "{}", answer.html);
    answer
}

/// Sends [`arrivals`] from `form` with `fields` and follows the import's page
/// until it stops reloading itself; the page's address and its last state.
async fn import(visitor: &mut Visitor<'_>, form: &Page, fields: &[(&str, &str)]) -> (String, Page) {
    let started = send(
        visitor,
        form,
        fields,
        ("公安.csv", &arrivals()),
        StatusCode::SEE_OTHER,
    )
    .await;
    let location = started.location().to_owned();
    for _ in 0..500 {
        let page = visitor.get(&location).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        if !page.headers.contains_key(header::REFRESH) {
            return (location, page);
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{location} kept reloading");
}

#[tokio::test]
async fn a_department_uploads_a_file_and_follows_it_to_its_report() {
    let test = TestApp::new();
    let police = police(&test);
    let mut visitor = Visitor::new(&test);
    shows(&visitor.login("police").await, "href=\"/imports\"");
    let form = visitor.get("/imports").await;
    shows(&form, "value=\"public_security\"");
    shows(&form, "value=\"statistics\"");
    assert!(
        !form.html.contains("value=\"labour\""),
        "another department's template is offered"
    );

    let (location, report) = import(&mut visitor, &form, &[("kind", "public_security")]).await;
    shows(&report, "有错误行，未写入任何行");
    shows(&report, "<td>3</td><td>村（社区）代码</td>");
    assert_eq!(test.events(), 1, "only the run's own record");
    let errors = visitor.get(&link(&report, "/errors")).await;
    assert_eq!(errors.status, StatusCode::OK);
    assert_eq!(
        errors.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(!location.contains("/runs/"), "{location}");

    let fields = [("kind", "public_security"), ("mode", "valid_rows_only")];
    let (location, report) = import(&mut visitor, &form, &fields).await;
    shows(&report, "<th>已写入</th><td>1</td>");
    shows(&report, "<th>已跳过的行</th><td>3</td>");
    shows(&visitor.get("/imports").await, &location);

    // The history is the log's: a run from the command line is in it too.
    let file = police_file(&[
        (0, "张伟"),
        (1, "张伟"),
        (2, "张伟"),
        (3, "张伟"),
        (4, "张伟"),
    ]);
    from_command_line(&test, &police, "命令行.csv", &file, Mode::AllOrNothing);
    let list = visitor.get("/imports").await;
    let history = &list.html[list.html.find("导入记录").expect("a history")..];
    assert!(
        history.contains("<td>命令行.csv</td><td>公安</td><td>已写入</td><td>5</td><td>5</td>"),
        "{history}"
    );
    assert_eq!(history.matches("<td>公安.csv</td>").count(), 2, "{history}");

    // Each run has a page of its own, read from the log: the first run's bad
    // row is there however long ago it ran, for its maker alone.
    let first = link(&list, "");
    let run = visitor.get(&first).await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.html);
    shows(&run, "有错误行，未写入任何行");
    shows(&run, "<td>3</td><td>村（社区）代码</td>");
    let errors = visitor.get(&format!("{first}/errors")).await;
    assert_eq!(errors.status, StatusCode::OK);
    test.user("binhu", Role::Officer, "320211");
    let mut other = Visitor::new(&test);
    other.login("binhu").await;
    assert_eq!(other.get(&first).await.status, StatusCode::NOT_FOUND);
}

/// The last link on `page` to a run's page, followed by `rest`.
fn link(page: &Page, rest: &str) -> String {
    let start = page
        .html
        .rfind("href=\"/imports/runs/")
        .expect("a link to a run")
        + 6;
    let end = start + page.html[start..].find('"').unwrap();
    let href = &page.html[start..end];
    assert!(href.ends_with(rest), "{href}");
    href.to_owned()
}

/// A police file registering in Binhu person `n` under `name`, for each of
/// `rows` (an empty name makes a bad row). Person `n` has an ID number of
/// their own, none of [`arrivals`]'.
fn police_file(rows: &[(u16, &str)]) -> String {
    let mut file =
        String::from("身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n");
    for (n, name) in rows {
        // A man's sequence is odd.
        let id = resident_id(21 + 2 * n);
        file.push_str(&format!(
            "{},{name},2024-03-01,{BINHU_VILLAGE},自购房,,\n",
            id.as_str()
        ));
    }
    file
}

/// Imports `file`, a police file named `name`, as `actor` the way `anju
/// import` does.
fn from_command_line(test: &TestApp, actor: &User, name: &str, file: &str, mode: Mode) -> Report {
    department_file(test, actor, Department::PublicSecurity, name, file, mode)
}

/// Imports `file`, named `name` and in `department`'s layout, as `actor` the
/// way `anju import` does.
fn department_file(
    test: &TestApp,
    actor: &User,
    department: Department,
    name: &str,
    file: &str,
    mode: Mode,
) -> Report {
    let options = Options {
        mode,
        dry_run: false,
        encoding: None,
        limits: Default::default(),
    };
    let template = Template::of(department);
    import::import(
        test.store.as_ref(),
        actor,
        template,
        name,
        file.as_bytes(),
        &options,
        &mut (),
    )
    .unwrap()
}

#[tokio::test]
async fn a_leader_watches_the_citys_runs_but_not_their_rows() {
    let test = TestApp::new();
    let police = police(&test);
    // Five rows, the second without a name: four written, one refused; then
    // the four good ones sent again.
    let october = [(0, "张伟"), (1, ""), (2, "王芳"), (3, "李娜"), (4, "刘洋")];
    let first = police_file(&october);
    let seq = from_command_line(&test, &police, "十月.csv", &first, Mode::ValidRowsOnly).event;
    let good: Vec<_> = october
        .into_iter()
        .filter(|(_, name)| !name.is_empty())
        .collect();
    let again = police_file(&good);
    from_command_line(&test, &police, "十月-再次.csv", &again, Mode::AllOrNothing);
    test.user("leader", Role::Leader, "3202");
    let mut leader = Visitor::new(&test);
    shows(&leader.login("leader").await, "href=\"/imports\"");
    let page = leader.get("/imports").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    shows(&page, "您的角色不导入部门文件");
    shows(
        &page,
        "<td>police 的名字</td><td>十月.csv</td><td>公安</td><td>已写入</td><td>5</td><td>4</td><td>0</td><td>1</td>",
    );
    shows(
        &page,
        "<td>十月-再次.csv</td><td>公安</td><td>无新内容，库中已有</td><td>4</td><td>0</td><td>4</td>",
    );
    assert!(!page.html.contains("/imports/runs/"), "{}", page.html);
    let run = leader.get(&format!("/imports/runs/{seq}")).await;
    assert_eq!(run.status, StatusCode::NOT_FOUND, "{}", run.html);
}

#[tokio::test]
async fn a_runs_page_says_which_rows_ended_or_corrected_a_fact() {
    let test = TestApp::new();
    let police = police(&test);
    let registered = police_file(&[(0, "张伟")]);
    from_command_line(&test, &police, "公安.csv", &registered, Mode::AllOrNothing);
    let labour = test.user_of(
        "labour",
        Role::DepartmentManager,
        "3202",
        Some(Department::Labour),
    );
    // Person 0 of `police_file`.
    let id = resident_id(21);
    let pension = |name: &str, to: &str| {
        let file = format!(
            "身份证号,姓名,信息类别,用人单位编号,开始日期,结束日期\n{},张伟,养老保险,,2024-04-01,{to}\n",
            id.as_str()
        );
        department_file(
            &test,
            &labour,
            Department::Labour,
            name,
            &file,
            Mode::AllOrNothing,
        )
        .event
    };
    pension("一月.csv", "");
    let ended = pension("二月.csv", "2025-03-31");
    let corrected = pension("三月.csv", "2025-09-30");
    let mut visitor = Visitor::new(&test);
    visitor.login("labour").await;
    let page = visitor.get(&format!("/imports/runs/{ended}")).await;
    shows(&page, "<th>其中：结束原有信息</th><td>1</td>");
    assert!(!page.html.contains("更正结束日期"), "{}", page.html);
    let page = visitor.get(&format!("/imports/runs/{corrected}")).await;
    shows(&page, "<th>其中：更正结束日期</th><td>1</td>");
    assert!(!page.html.contains("结束原有信息"), "{}", page.html);
}

#[tokio::test]
async fn a_runs_page_lists_its_first_200_bad_rows_and_counts_them_all() {
    let test = TestApp::new();
    let police = police(&test);
    // 201 rows without a name, row 2 also without a village: 202 reasons.
    let rows: Vec<(u16, &str)> = (0..201).map(|n| (n, "")).collect();
    let file = police_file(&rows).replacen(BINHU_VILLAGE, "", 1);
    let seq = from_command_line(&test, &police, "坏.csv", &file, Mode::AllOrNothing).event;
    let mut visitor = Visitor::new(&test);
    visitor.login("police").await;
    let page = visitor.get(&format!("/imports/runs/{seq}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    shows(&page, "<th>错误行</th><td>201</td>");
    shows(&page, "此处只列出前 200 个错误行，全部见 XLSX");
    // Rows 2 to 201, row 2 with both its reasons; not row 202.
    assert_eq!(
        page.html.matches("<tr><td>2</td>").count(),
        2,
        "{}",
        page.html
    );
    assert!(page.html.contains("<tr><td>201</td>"), "{}", page.html);
    assert!(!page.html.contains("<tr><td>202</td>"), "{}", page.html);
}

#[tokio::test]
async fn an_upload_without_its_token_starts_nothing() {
    let test = TestApp::new();
    test.user("binhu", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    visitor.login("binhu").await;
    let mut form = visitor.get("/imports").await;
    form.html = form.html.replace(&form.csrf(), &"0".repeat(64));
    let fields = [("kind", "public_security")];
    send(
        &mut visitor,
        &form,
        &fields,
        ("公安.csv", &arrivals()),
        StatusCode::FORBIDDEN,
    )
    .await;
    shows(&visitor.get("/imports").await, "尚无导入");
    assert_eq!(test.events(), 0);
}

#[tokio::test]
async fn another_departments_file_is_refused_beside_the_form() {
    let test = TestApp::new();
    police(&test);
    let mut visitor = Visitor::new(&test);
    visitor.login("police").await;
    let form = visitor.get("/imports").await;
    let labour = [("kind", "labour")];
    let refused = send(
        &mut visitor,
        &form,
        &labour,
        ("劳动.csv", &arrivals()),
        StatusCode::FORBIDDEN,
    )
    .await;
    shows(&refused, "不能导入劳动数据");
    let police_file = [("kind", "public_security")];
    let huge = vec![b'a'; (64 << 20) + 1];
    let refused = send(
        &mut visitor,
        &form,
        &police_file,
        ("公安.csv", &huge),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    shows(&refused, "文件超过 64 MiB 的上限");
    let unchosen = send(
        &mut visitor,
        &form,
        &police_file,
        ("", b""),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    shows(&unchosen, "请选择要导入的文件");
    assert_eq!(test.events(), 0);
}

/// An import that dies once its first batch is committed, as a server killed
/// mid-run does.
struct DiesAfterFirstBatch;

impl import::Observer for DiesAfterFirstBatch {
    fn wants_changes(&self) -> bool {
        true
    }

    fn committed(&mut self, _changes: Vec<store::Changed>) {
        panic!("the process dies here");
    }
}

#[tokio::test]
async fn a_run_cut_off_between_its_batches_is_listed_unfinished() {
    let test = TestApp::new();
    let police = police(&test);
    // One batch and one row more, of new persons.
    let rows = import::LEAST_BATCH as u32 + 1;
    let mut file =
        String::from("身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n");
    for n in 0..rows {
        let birth = date("1980-01-01")
            .checked_add(jiff::Span::new().days(i64::from(n / 1000)))
            .unwrap();
        let sex = [Sex::Female, Sex::Male][(n % 2) as usize];
        let id = ResidentId::synthesize(340102, birth, (n % 1000) as u16, sex);
        file.push_str(&format!(
            "{},张{n},2024-03-01,{BINHU_VILLAGE},自购房,,\n",
            id.as_str()
        ));
    }
    let options = Options {
        mode: Mode::ValidRowsOnly,
        dry_run: false,
        encoding: None,
        limits: Default::default(),
    };
    let died = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        import::import(
            test.store.as_ref(),
            &police,
            Template::of(Department::PublicSecurity),
            "中断.csv",
            file.as_bytes(),
            &options,
            &mut DiesAfterFirstBatch,
        )
    }));
    assert!(died.is_err());
    let mut visitor = Visitor::new(&test);
    visitor.login("police").await;
    let page = visitor.get("/imports").await;
    shows(
        &page,
        "<td>中断.csv</td><td>公安</td><td>未完成：仍在进行，或已中断（再次导入同一文件即可完成，各行只写入一次）</td><td>5001</td><td>5000</td><td>0</td><td>0</td>",
    );
    // It has no report yet to link to.
    assert!(!page.html.contains("/imports/runs/"), "{}", page.html);
}
