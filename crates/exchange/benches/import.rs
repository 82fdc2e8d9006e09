//! 导入基准 — one run, side by side: N police rows (registrations) loaded by
//! PostgreSQL's COPY into a plain table without any check, the same rows
//! inserted without any check into a plain table of a SQLite file, then read, checked,
//! planned and committed by `exchange::import` (all or nothing, durable) to a
//! fresh city in SQLite and to one in PostgreSQL as the store's backend (new
//! persons, many: kept in a segment); then the SQLite store's segment folded
//! into its tables, as `anju import` does after the commit; last, the rows
//! checked as the import checks them and packed by column into one segment by
//! hand (the floor of the segment's road: no planner, nothing a reader finds).
//!
//! `cargo bench -p exchange --bench import` (N = `ANJU_BENCH_ROWS`, default
//! 1,000,000; PostgreSQL from `ANJU_TEST_PG`, default the test server;
//! `ANJU_BENCH_SKIP=pg-store` leaves out the PostgreSQL store;
//! `ANJU_BENCH_RUNS=K` runs every peer K times in turn and prints the medians;
//! `ANJU_BENCH_CSV=FILE` only writes the file, for `anju import` to take).

use std::time::Instant;

/// The allocator of the `anju` binary, which runs `anju import`: the rows are
/// planned on every core and freed on another, where the system allocator's
/// locks cost seconds.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use domain::access::{Department, Role};
use domain::division::Hierarchy;
use domain::event::Change;
use domain::migrant::MigrantRule;
use domain::resident_id::{ResidentId, Sex};
use exchange::import::{Mode, Options};
use exchange::limits::Limits;
use exchange::template::Template;
use jiff::civil::date;
use rayon::prelude::*;
use store::NewUser;
use store::vault::{BlindIndex, Vault};

const HEADER: &str = "身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n";
/// 产山社区 and 惠河社区 of 滨湖区.
const VILLAGES: [&str; 2] = ["320211001003", "320211001004"];

/// A synthetic name as a department's file holds them: a common surname and one
/// or two given characters, the same for the same `i`.
fn name(i: u32) -> String {
    const SURNAMES: [char; 20] = [
        '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡',
        '郭', '何', '高', '林', '罗',
    ];
    const GIVEN: [char; 30] = [
        '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛',
        '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '建', '国', '玉', '兰', '志', '红',
    ];
    let pick = |k: u32, of: usize| (k as usize) % of;
    let mut name = String::from(SURNAMES[pick(i, 20)]);
    name.push(GIVEN[pick(i / 20, 30)]);
    if !i.is_multiple_of(3) {
        name.push(GIVEN[pick(i / 600, 30)]);
    }
    name
}

fn rows(n: u32) -> String {
    let mut text = String::from(HEADER);
    for i in 0..n {
        let birth = date(1960, 1, 1)
            .checked_add(jiff::Span::new().days(i64::from(i / 1000)))
            .unwrap();
        let sex = [Sex::Female, Sex::Male][(i % 2) as usize];
        let id = ResidentId::synthesize(420102, birth, (i % 1000) as u16, sex);
        let village = VILLAGES[(i % 2) as usize];
        text.push_str(&format!(
            "{},{},2024-03-01,{village},自购房,,\n",
            id.as_str(),
            name(i)
        ));
    }
    text
}

/// Imports `csv` into a fresh city in the store at `url`; the seconds it
/// took, and the store.
fn import_into(url: &str, csv: &[u8]) -> (f64, Box<dyn store::Store>) {
    let store = store::open(url, Vault::from_key([9; 32])).unwrap();
    store
        .initialise(
            Hierarchy::wuxi(),
            &MigrantRule::new("3202".parse().unwrap()),
        )
        .unwrap();
    let user = store
        .create_user(NewUser {
            login: "police".into(),
            name: "公安".into(),
            role: Role::DepartmentManager,
            unit: "320211".parse().unwrap(),
            department: Some(Department::PublicSecurity),
            password_hash: "-".into(),
        })
        .unwrap();
    let options = Options {
        mode: Mode::AllOrNothing,
        dry_run: false,
        encoding: None,
        limits: Limits::default(),
    };
    let template = Template::named("public_security").unwrap();
    let start = Instant::now();
    let report = exchange::import::import(
        &*store,
        &user,
        template,
        "bench.csv",
        csv,
        &options,
        &mut (),
    )
    .unwrap();
    let seconds = start.elapsed().as_secs_f64();
    assert!(
        report.committed && report.errors.is_empty(),
        "{:?}",
        &report.errors[..1]
    );
    (seconds, store)
}

/// The SQLite store's import of `csv`, and the folding of the segment it
/// kept into its tables afterwards: seconds each.
fn sqlite(csv: &[u8]) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (imported, store) = import_into(&url, csv);
    let start = Instant::now();
    while store.fold_segment().unwrap().is_some() {}
    (imported, start.elapsed().as_secs_f64())
}

/// The test server's URL, and a connection to it for creating databases.
fn pg_admin() -> (String, postgres::Client) {
    let url = std::env::var("ANJU_TEST_PG")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into());
    let admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    (url, admin)
}

/// Runs `f` on a fresh database of the test server (its config), then drops it.
fn in_fresh_pg<T>(what: &str, f: impl FnOnce(postgres::Config) -> T) -> T {
    let (url, mut admin) = pg_admin();
    let name = format!("anju_bench_{what}_{}", std::process::id());
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
        ))
        .unwrap();
    let mut config: postgres::Config = url.parse().unwrap();
    config.dbname(&name);
    let out = f(config);
    admin
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .unwrap();
    out
}

fn postgres_store(csv: &[u8]) -> f64 {
    in_fresh_pg("store", |config| {
        let host = match &config.get_hosts()[0] {
            postgres::config::Host::Tcp(host) => host.clone(),
            other => panic!("expected a TCP host, but found {other:?}"),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().unwrap_or("postgres");
        let db = config.get_dbname().unwrap();
        import_into(&format!("postgres://{user}@{host}:{port}/{db}"), csv).0
    })
}

fn postgres_copy(csv: &[u8]) -> f64 {
    in_fresh_pg("copy", |config| {
        let mut client = config.connect(postgres::NoTls).unwrap();
        client
            .batch_execute(
                "CREATE TABLE arrivals (resident_id TEXT, name TEXT, registered_on DATE, \
                 unit BIGINT, housing TEXT, place BIGINT, permit TEXT)",
            )
            .unwrap();
        let start = Instant::now();
        let mut writer = client
            .copy_in("COPY arrivals FROM STDIN (FORMAT csv, HEADER true)")
            .unwrap();
        std::io::Write::write_all(&mut writer, csv).unwrap();
        writer.finish().unwrap();
        start.elapsed().as_secs_f64()
    })
}

/// The settings of the SQLite store's writer (a new file's page size, WAL,
/// `synchronous=FULL`, its page cache and sort thread), its checkpoints left
/// out of the commit as the store leaves them to its checkpointer.
const STORE_WRITER: &str = "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
     PRAGMA threads = 1;";

/// The same rows parsed from the CSV and inserted, without any check, into a
/// plain table of a SQLite file with the store writer's settings, one
/// transaction, one prepared statement: how fast this machine's SQLite takes
/// the rows at all.
fn sqlite_plain(csv: &[u8]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut db = rusqlite::Connection::open(dir.path().join("plain.db")).unwrap();
    db.execute_batch(STORE_WRITER).unwrap();
    db.execute_batch(
        "CREATE TABLE arrivals (resident_id TEXT, name TEXT, registered_on TEXT, \
         unit INTEGER, housing TEXT, place INTEGER, permit TEXT)",
    )
    .unwrap();
    let start = Instant::now();
    let tx = db.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO arrivals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        let mut reader = csv::Reader::from_reader(csv);
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let text = |i: usize| std::str::from_utf8(&record[i]).unwrap();
            let number = |i: usize| text(i).parse::<i64>().ok();
            insert
                .execute(rusqlite::params![
                    text(0),
                    text(1),
                    text(2),
                    number(3),
                    text(4),
                    number(5),
                    text(6)
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    start.elapsed().as_secs_f64()
}

/// Bytes of the file per piece of [`sqlite_segment`] (about 65,000 rows).
const PIECE_BYTES: usize = 4 << 20;

/// The least a checked import could write (a design the store has not taken:
/// docs/design.md, "Import speed"): the file cut at line ends into pieces of
/// about [`PIECE_BYTES`] (a file without quoted line breaks, as this one),
/// each piece on any core read and its cells checked as the import checks
/// them, its ID numbers blind-indexed and encrypted together as one message,
/// its rows packed by column into one blob; the file's own duplicates found;
/// the blobs written in one durable SQLite transaction. No person, fact, name
/// gram, pack or event per row, no planner: nothing any reader of the store
/// would find. Seconds.
fn sqlite_segment(csv: &[u8]) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut db = rusqlite::Connection::open(dir.path().join("segment.db")).unwrap();
    db.execute_batch(STORE_WRITER).unwrap();
    db.execute_batch("CREATE TABLE segment (piece INTEGER PRIMARY KEY, rows BLOB NOT NULL)")
        .unwrap();
    let vault = Vault::from_key([9; 32]);
    let start = Instant::now();
    let header = csv.split_inclusive(|&b| b == b'\n').next().unwrap();
    let mut pieces = Vec::new();
    let mut rest = &csv[header.len()..];
    while !rest.is_empty() {
        let end = match rest.get(PIECE_BYTES..) {
            Some(after) => {
                PIECE_BYTES + memchr::memchr(b'\n', after).map_or(after.len(), |i| i + 1)
            }
            None => rest.len(),
        };
        let (piece, after) = rest.split_at(end);
        pieces.push(piece);
        rest = after;
    }
    let packed: Vec<(Vec<u8>, Vec<BlindIndex>)> = pieces
        .par_iter()
        .map(|piece| packed(&vault, &[header, piece].concat()))
        .collect();
    let mut keys: Vec<BlindIndex> = packed.iter().flat_map(|(_, keys)| keys).copied().collect();
    keys.par_sort_unstable();
    assert!(
        keys.windows(2).all(|pair| pair[0] != pair[1]),
        "a person twice in the file"
    );
    let tx = db.transaction().unwrap();
    for (i, (blob, _)) in packed.iter().enumerate() {
        tx.execute("INSERT INTO segment VALUES (?1, ?2)", (i as i64, blob))
            .unwrap();
    }
    tx.commit().unwrap();
    start.elapsed().as_secs_f64()
}

/// The registrations of `csv` (a header and rows) read and checked, packed by
/// column (ID numbers encrypted together, blind indexes, registration days,
/// villages, housing, names), and their blind indexes.
fn packed(vault: &Vault, csv: &[u8]) -> (Vec<u8>, Vec<BlindIndex>) {
    use chacha20poly1305::aead::{AeadInPlace, KeyInit};
    let template = Template::named("public_security").unwrap();
    let is_header = |row: &csv::StringRecord| template.is_header(row);
    let table = exchange::read::read(csv, None, &Limits::default(), &is_header).unwrap();
    let (rows, errors) = exchange::template::parse_rows(template, &table).unwrap();
    assert!(errors.is_empty());
    let mut keys = Vec::with_capacity(rows.len());
    let (mut ids, mut days, mut units, mut housing, mut names) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        let store::RowChange::Change(Change::Register {
            person,
            on,
            residence,
            ..
        }) = &row.change
        else {
            panic!("expected registrations");
        };
        ids.extend_from_slice(person.resident_id.as_str().as_bytes());
        keys.push(vault.blind_index(&person.resident_id));
        let day = on.since(date(1970, 1, 1)).unwrap().get_days();
        days.extend_from_slice(&day.to_le_bytes());
        units.extend_from_slice(&residence.unit.as_u64().to_le_bytes());
        housing.push(residence.housing as u8);
        names.push(person.name.len() as u8);
        names.extend_from_slice(person.name.as_bytes());
    }
    // The vault's cipher under a fresh random nonce, once for the piece.
    let cipher = chacha20poly1305::XChaCha20Poly1305::new(&[9; 32].into());
    let nonce: [u8; 24] = rand::random();
    let tag = cipher
        .encrypt_in_place_detached(&nonce.into(), &[], &mut ids)
        .unwrap();
    let mut blob = nonce.to_vec();
    blob.append(&mut ids);
    blob.extend_from_slice(&tag);
    blob.extend(keys.iter().flatten());
    for column in [days, units, housing, names] {
        blob.extend(column);
    }
    (blob, keys)
}

/// The middle of `times` (the mean of the two middle ones for an even count).
fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    let middle = times.len() / 2;
    if times.len().is_multiple_of(2) {
        (times[middle - 1] + times[middle]) / 2.0
    } else {
        times[middle]
    }
}

fn main() {
    let number = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .map_or(default, |v| v.parse().expect("a whole number"))
    };
    let n = number("ANJU_BENCH_ROWS", 1_000_000);
    let runs = number("ANJU_BENCH_RUNS", 1).max(1);
    let csv = rows(n);
    if let Ok(path) = std::env::var("ANJU_BENCH_CSV") {
        std::fs::write(&path, &csv).unwrap();
        println!("{n} police rows written to {path}, nothing measured");
        return;
    }
    let skip = std::env::var("ANJU_BENCH_SKIP").unwrap_or_default();
    println!("{n} police rows, {:.1} MB of CSV", csv.len() as f64 / 1e6);
    let report = |what: &str, seconds: f64| {
        println!(
            "{what:<45}{seconds:>7.2} s  {:>9.0} rows/s",
            f64::from(n) / seconds
        );
    };
    // Each run takes every peer in turn, so that a machine whose speed drifts
    // slows them alike.
    let (mut copies, mut stores, mut folds) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        if runs > 1 {
            println!("run {run} of {runs}");
        }
        let copy = postgres_copy(csv.as_bytes());
        report("PostgreSQL COPY, no checks:", copy);
        report(
            "SQLite plain table, no checks:",
            sqlite_plain(csv.as_bytes()),
        );
        let (store, fold) = sqlite(csv.as_bytes());
        report("SQLite store, checked, planned, durable:", store);
        report("SQLite store, then folded into its tables:", fold);
        report(
            "SQLite, checked and packed in one segment:",
            sqlite_segment(csv.as_bytes()),
        );
        if !skip.contains("pg-store") {
            report(
                "PostgreSQL store, checked, planned, durable:",
                postgres_store(csv.as_bytes()),
            );
        }
        println!("SQLite / COPY time: {:.2}", store / copy);
        copies.push(copy);
        stores.push(store);
        folds.push(fold);
    }
    if runs > 1 {
        let (copy, store, fold) = (median(&mut copies), median(&mut stores), median(&mut folds));
        println!(
            "medians of {runs} runs: COPY {copy:.2} s, SQLite store {store:.2} s, its segment \
             folded {fold:.2} s, SQLite / COPY {:.2}",
            store / copy
        );
    }
}
