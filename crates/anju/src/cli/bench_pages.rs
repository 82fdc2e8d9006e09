//! `anju bench-pages` — how long each page of the web application takes to render
//! over a database, as a logged-in demo user would ask for it: the server's router
//! called in process (no network), each page several times, the median and the
//! slowest printed. Figures go to docs/benchmarks.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{Database, existing_vault, open};

/// Options of `anju bench-pages`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The database (a demo city): sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// How many times each page is asked for.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
}

/// The pages measured: (demo login, path) — the city, a district, a town and a
/// village (产山社区, 320211001003) of the demo city, name searches from one common
/// character to three (and the worst case, a common character asked in the
/// smallest village); then the page of a person of that village and the second
/// page of the city's search for 王; the records, the import page and a
/// district's figures as XLSX.
const PAGES: [(&str, &str); 19] = [
    ("leader", "/"),
    ("leader", "/dashboard?indicator=E1"),
    ("district-320211", "/"),
    ("district-320211", "/dashboard?indicator=R1"),
    ("town-320211001", "/dashboard?indicator=E1"),
    ("station-320211001003", "/"),
    ("station-320211001003", "/persons/new"),
    ("station-320211001003", "/persons?q=%E7%8E%8B"),
    ("district-320211", "/persons?q=%E7%8E%8B%E5%BB%BA"),
    ("city", "/persons?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD"),
    ("city", "/persons?q=%E7%8E%8B"),
    ("city", "/persons?q=%E4%BC%9F"),
    ("town-320211001", "/persons?q=%E6%AC%A7%E9%98%B3"),
    // The demo's smallest village (74 persons): all 271,895 rows of 王 are read
    // to find its few.
    ("station-320282112201", "/persons?q=%E7%8E%8B"),
    ("district-320211", "/records?kind=employer"),
    ("station-320211001003", "/records?kind=employer"),
    (
        "station-320211001003",
        "/id-check?number=340102199005170035",
    ),
    ("police", "/imports"),
    (
        "district-320211",
        "/exports/indicators?unit=320211&format=xlsx",
    ),
];

/// Runs `anju bench-pages`.
pub fn run(args: Args) -> Result<()> {
    let db = Database::parse(&args.db)?;
    if let Database::Sqlite(path) = &db
        && !db.sqlite_non_empty()
    {
        bail!("找不到数据库 {0} / no database at {0}", path.display());
    }
    let started = Instant::now();
    let store: Arc<dyn store::Store> = Arc::from(open(&args.db, existing_vault(&db)?)?);
    let app = web::App::new(Arc::clone(&store))?;
    println!(
        "server state built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let router = web::router(app);
    let runtime = tokio::runtime::Runtime::new()?;
    println!(
        "{:<24} {:<44} {:>10} {:>10}",
        "user", "page", "median ms", "max ms"
    );
    let station = store
        .credentials("station-320211001003")?
        .context("no demo user station-320211001003: build the database with `anju demo`")?
        .0;
    let person = store
        .search_by_name(&station, "王", 1)?
        .first()
        .map(|hit| format!("/persons/{}", hit.id));
    let person_page = person.as_deref().map(|path| ("station-320211001003", path));
    let city = store
        .credentials("city")?
        .context("no demo user city: build the database with `anju demo`")?
        .0;
    let second = store
        .search_by_name_page(&city, "王", None, 50)?
        .next
        .map(|after| {
            let query = serde_urlencoded::to_string([("q", "王"), ("after", &after.to_text())])
                .expect("text encodes");
            format!("/persons?{query}")
        });
    let second_page = second.as_deref().map(|path| ("city", path));
    for (login, path) in PAGES.into_iter().chain(person_page).chain(second_page) {
        let (user, _) = store.credentials(login)?.with_context(|| {
            format!("no demo user {login}: build the database with `anju demo`")
        })?;
        let token = web::auth::new_token();
        store.create_session(
            user.id,
            web::auth::token_hash(&token),
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
        )?;
        let mut times: Vec<Duration> = Vec::with_capacity(args.runs);
        for _ in 0..args.runs.max(1) {
            let request = Request::get(path)
                .header(header::COOKIE, format!("anju_session={token}"))
                .body(Body::empty())?;
            let router = router.clone();
            let start = Instant::now();
            let status = runtime.block_on(async move {
                let response = router.oneshot(request).await.expect("infallible");
                let status = response.status();
                response.into_body().collect().await.map(|_| status)
            })?;
            times.push(start.elapsed());
            if status != StatusCode::OK {
                bail!("{path} as {login}: expected 200, but found {status}");
            }
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{login:<24} {path:<44} {:>10.1} {:>10.1}",
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1])
        );
    }
    Ok(())
}
