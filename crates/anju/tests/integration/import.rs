//! `anju import` as a department runs it: a file imported twice adds nothing, an
//! import killed (SIGKILL) in the middle and started again ends with every row
//! exactly once, leaving no file behind but the database's own (killed before
//! it folded its new persons in, the next import folds them), the bad rows
//! come back in a workbook to put right and import again, and another
//! department's file is refused whole.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use domain::access::{Department, Role};
use domain::division::Hierarchy;
use domain::event::Change;
use domain::migrant::MigrantRule;
use domain::resident_id::{ResidentId, Sex};
use exchange::limits::Limits;
use exchange::read::read;
use exchange::template::Template;
use jiff::civil::date;
use store::vault::Vault;
use store::{NewUser, Store};

const KEY: [u8; 32] = [7; 32];

struct City {
    dir: tempfile::TempDir,
    url: String,
}

impl City {
    fn new() -> City {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("city.db").display());
        let store = store::open(&url, Vault::from_key(KEY)).unwrap();
        store
            .initialise(
                Hierarchy::wuxi(),
                &MigrantRule::new("3202".parse().unwrap()),
            )
            .unwrap();
        store
            .create_user(NewUser {
                login: "police".into(),
                name: "滨湖公安".into(),
                role: Role::DepartmentManager,
                unit: "320211".parse().unwrap(),
                department: Some(Department::PublicSecurity),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            })
            .unwrap();
        City { dir, url }
    }

    fn store(&self) -> Box<dyn Store> {
        store::open(&self.url, Vault::from_key(KEY)).unwrap()
    }

    /// A police file registering `rows` synthetic arrivals.
    fn arrivals(&self, rows: u32) -> PathBuf {
        let mut text = String::from(
            "身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n",
        );
        for n in 0..rows {
            let birth = date(1970, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(n / 1000)))
                .unwrap();
            let sex = [Sex::Female, Sex::Male][(n % 2) as usize];
            let id = ResidentId::synthesize(420102, birth, (n % 1000) as u16, sex);
            text.push_str(&format!(
                "{},张{n},2024-03-01,320211001003,自购房,,\n",
                id.as_str()
            ));
        }
        let path = self.dir.path().join("公安.csv");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `anju import public_security FILE` as the police, then `extra`.
    fn command(&self, file: &Path, extra: &[&str]) -> Command {
        self.command_of("public_security", file, extra)
    }

    /// `anju import KIND FILE` as the police, then `extra`.
    fn command_of(&self, kind: &str, file: &Path, extra: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_anju"));
        command
            .args(["import", kind])
            .arg(file)
            .args(["--db", &self.url, "--user", "police", "--quiet"])
            .args(extra)
            .env("ANJU_KEY", "07".repeat(32));
        command
    }

    /// Runs an import to its end; fails the test with its output if it fails.
    fn import(&self, file: &Path, extra: &[&str]) {
        let output = self.command(file, extra).output().unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn spawn(&self, file: &Path, extra: &[&str]) -> Child {
        self.command(file, extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Registrations in the log, and how many distinct rows they came from.
    fn registrations(&self) -> (usize, usize) {
        let events = self.store().events_after(0, usize::MAX).unwrap();
        let mut rows: Vec<u64> = events
            .iter()
            .filter(|e| matches!(e.change, Change::Register { .. }))
            .map(|e| match &e.source {
                domain::event::Source::Import { row, .. } => *row,
                other => panic!("{other:?}"),
            })
            .collect();
        let all = rows.len();
        rows.sort_unstable();
        rows.dedup();
        (all, rows.len())
    }

    /// The recorded runs, oldest first: rows each added, and found already in.
    fn runs(&self) -> Vec<(u64, u64)> {
        let events = self.store().events_after(0, usize::MAX).unwrap();
        events
            .iter()
            .filter_map(|e| match &e.change {
                Change::Import { summary } => Some((summary.added, summary.already)),
                _ => None,
            })
            .collect()
    }

    /// The runs the police's history lists, newest first: whether each is
    /// recorded (else unfinished), and the rows it added.
    fn history(&self) -> Vec<(bool, u64)> {
        let store = self.store();
        let (police, _) = store.credentials("police").unwrap().unwrap();
        store
            .import_runs(&police, 10)
            .unwrap()
            .into_iter()
            .map(|run| (run.seq.is_some(), run.summary.added))
            .collect()
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

#[test]
fn a_file_imported_twice_adds_its_rows_once() {
    let city = City::new();
    let file = city.arrivals(50);
    city.import(&file, &[]);
    city.import(&file, &[]);
    assert_eq!(city.registrations(), (50, 50));
    assert_eq!(city.runs(), [(50, 0), (0, 50)]);
}

/// Kills an import once its first rows are in, runs it again, and checks.
fn killed_and_rerun(extra: &[&str]) {
    let rows = 30_000;
    // How long the import takes to commit its rows on this machine, in
    // another city (it then folds them into the tables).
    let to_commit = {
        let other = City::new();
        let file = other.arrivals(rows);
        let mut child = other.spawn(&file, extra);
        let store = other.store();
        let start = Instant::now();
        while store.events_after(0, 1).unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(5));
            assert!(start.elapsed() < Duration::from_secs(120), "no row written");
        }
        let elapsed = start.elapsed();
        child.wait().unwrap();
        elapsed
    };
    let city = City::new();
    let file = city.arrivals(rows);
    let mut child = city.spawn(&file, extra);
    let store = city.store();
    let start = Instant::now();
    // Kill it while it works: once a batch is in (valid rows only), or halfway
    // to its commit (all or nothing, which commits once).
    loop {
        std::thread::sleep(Duration::from_millis(20));
        let written = !store.events_after(0, 1).unwrap().is_empty();
        if written || (extra.is_empty() && start.elapsed() > to_commit / 2) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "no row written");
    }
    assert!(
        child.try_wait().unwrap().is_none(),
        "the import ended before it could be killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let (before, _) = city.registrations();
    assert!(before < rows as usize, "{before} rows in before the kill");
    let before = before as u64;
    // Cut off between its batches, a run is listed as unfinished with the
    // rows they added; cut off before its one commit, it wrote nothing.
    if extra.is_empty() {
        assert_eq!(city.history(), []);
    } else {
        assert_eq!(city.history(), [(false, before)]);
    }

    city.import(&file, extra);
    assert_eq!(city.registrations(), (rows as usize, rows as usize));
    // The run that ended is recorded in the transaction of its last rows; the
    // killed one ended nothing and left no record (its rows, in batches, are
    // events naming the file), and is no longer listed as unfinished.
    assert_eq!(city.runs(), [(u64::from(rows) - before, before)]);
    assert_eq!(city.history(), [(true, u64::from(rows) - before)]);
    assert_eq!(
        city.files(),
        ["city.db", "city.db-shm", "city.db-wal", "公安.csv"]
    );
}

#[test]
fn an_import_killed_in_batches_and_run_again_has_every_row_once() {
    killed_and_rerun(&["--valid-rows-only"]);
}

#[test]
fn an_all_or_nothing_import_killed_and_run_again_has_every_row_once() {
    killed_and_rerun(&[]);
}

/// Kills an import of new persons once its rows are in, before it has folded
/// them into the tables; the next import of the file adds nothing and folds
/// them in.
#[test]
fn an_import_killed_before_its_fold_leaves_it_to_the_next() {
    let rows = 30_000;
    let pieces = |city: &City| -> i64 {
        let path = city.dir.path().join("city.db");
        let db = rusqlite::Connection::open(path).unwrap();
        db.query_row("SELECT COUNT(*) FROM person_segments", [], |row| row.get(0))
            .unwrap()
    };
    // The fold takes a fraction of a second; a kill may come after it, and
    // then the case is tried again.
    for _ in 0..3 {
        let city = City::new();
        let file = city.arrivals(rows);
        let mut child = city.spawn(&file, &[]);
        let store = city.store();
        let start = Instant::now();
        while store.events_after(0, 1).unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(2));
            assert!(start.elapsed() < Duration::from_secs(120), "no row written");
        }
        child.kill().unwrap();
        child.wait().unwrap();
        if pieces(&city) == 0 {
            continue;
        }
        assert_eq!(city.registrations(), (rows as usize, rows as usize));
        city.import(&file, &[]);
        assert_eq!(pieces(&city), 0);
        assert_eq!(city.registrations(), (rows as usize, rows as usize));
        assert_eq!(city.runs(), [(u64::from(rows), 0), (0, u64::from(rows))]);
        return;
    }
    panic!("three imports folded their rows in before they could be killed");
}

#[test]
fn the_bad_rows_come_back_to_be_put_right_and_imported_again() {
    let city = City::new();
    let file = city.arrivals(3);
    // The second arrival registered on a day that does not exist.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[2] = lines[2].replace("2024-03-01", "2024-02-30");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let bad = city.dir.path().join("错误行.xlsx");
    let output = city
        .command(&file, &["--valid-rows-only", "--errors"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("待改行"), "{printed}");

    // The sheet 待改行 holds the row as the file gave it: put it right there
    // and send that sheet (here as CSV) again.
    let police = Template::named("public_security").unwrap();
    let workbook = std::fs::read(&bad).unwrap();
    let sheet = read(&workbook, None, &Limits::default(), &|row| {
        police.is_header(row)
    })
    .unwrap();
    let rows = sheet.rows().unwrap();
    assert_eq!(rows.len(), 1);
    let quoted = |cells: Vec<String>| {
        let cells: Vec<String> = cells
            .iter()
            .map(|cell| format!("\"{}\"", cell.replace('"', "\"\"")))
            .collect();
        cells.join(",")
    };
    let mut fixed = vec![quoted(sheet.headers.clone())];
    for (_, record) in &rows {
        let cells: Vec<String> = record
            .iter()
            .map(|cell| cell.replace("2024-02-30", "2024-02-29"))
            .collect();
        assert_eq!(cells[0], "3", "the original row number first");
        fixed.push(quoted(cells));
    }
    let again = city.dir.path().join("改正.csv");
    std::fs::write(&again, fixed.join("\n")).unwrap();
    city.import(&again, &[]);
    assert_eq!(city.runs(), [(2, 0), (1, 0)]);
    assert_eq!(city.registrations().0, 3);
}

#[test]
fn a_file_of_many_bad_rows_prints_the_first_200() {
    let city = City::new();
    let file = city.arrivals(250);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("2024-03-01", "2024-02-30")).unwrap();
    let output = city
        .command(&file, &["--valid-rows-only"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let reasons: Vec<&str> = printed.lines().filter(|l| l.starts_with("第 ")).collect();
    assert_eq!(reasons.len(), 200, "{printed}");
    assert!(reasons[199].starts_with("第 201 行"), "{}", reasons[199]);
    assert!(printed.contains("另有 50 行错误未列出 / 50 more bad rows not listed here"));
    assert!(printed.contains(", 200, 201 … (250)"), "{printed}");
}

#[test]
fn another_departments_file_is_refused_whole() {
    let city = City::new();
    let file = city.dir.path().join("劳动.csv");
    std::fs::write(
        &file,
        "身份证号,姓名,信息类别,用人单位编号,开始日期,结束日期
         420102198705060111,张伟,养老保险,,2024-04-01,\n",
    )
    .unwrap();
    let output = city.command_of("labour", &file, &[]).output().unwrap();
    assert!(!output.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr));
    assert!(city.store().events_after(0, usize::MAX).unwrap().is_empty());
}

#[test]
fn a_statistics_file_naming_a_value_no_indicator_reads_is_refused_on_that_cell() {
    let city = City::new();
    let file = city.dir.path().join("统计.csv");
    std::fs::write(
        &file,
        "单位代码,指标名称,开始日期,结束日期,数值\n\
         320211,hotel_guests,2024-01-01,2024-12-31,5210\n\
         320211,hotel_guest_verified,2024-01-01,2024-12-31,5102\n",
    )
    .unwrap();
    let output = city.command_of("statistics", &file, &[]).output().unwrap();
    assert!(!output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let refusal = printed
        .lines()
        .find(|line| line.starts_with("第 3 行"))
        .unwrap_or_else(|| panic!("{printed}"));
    assert!(
        refusal.contains("[指标名称]")
            && refusal.contains("hotel_guests_verified")
            && refusal.contains("which no indicator would count"),
        "{refusal}"
    );
    assert_eq!(city.runs(), [(0, 0)]);
}
