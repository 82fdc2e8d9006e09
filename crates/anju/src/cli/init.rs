//! `anju init` — sets up any city from NBS division files (the format of
//! `data/china-divisions`): its divisions, the migrant rule, a key file and an
//! administrator whose generated password is printed once.
//!
//! Errors in the files name the file, the line and the reason; nothing is written
//! to the database until the files have been read.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use domain::access::Role;
use domain::division::{CodeLevel, DivisionCode, DivisionFiles, Hierarchy};
use domain::migrant::MigrantRule;
use rand::Rng;
use store::NewUser;

use super::{Database, new_vault, open};

/// Options of `anju init`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The folder with cities.csv, areas.csv, streets.csv, villages.csv (and an
    /// optional history.csv), as in data/china-divisions.
    #[arg(long)]
    pub divisions: PathBuf,
    /// The city's 4-digit code, e.g. 3205 (苏州市).
    #[arg(long)]
    pub city: String,
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju.db")]
    pub db: String,
    /// The administrator's login name.
    #[arg(long)]
    pub admin: String,
}

fn read(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取 / cannot read {}", path.display()))
}

/// The hierarchy of `city` from the division files in `dir`. A bad row gives an
/// error naming the file (with its folder), the line and the reason.
pub fn read_divisions(dir: &Path, city: &str) -> Result<Hierarchy> {
    let code: DivisionCode = city
        .parse()
        .map_err(|e: domain::message::FieldError| anyhow!("--city: {}", e.message))?;
    if code.level() != CodeLevel::City {
        bail!(
            "--city: 应为 4 位的市级代码，实为 {city} / expected a 4-digit city code, but found {city}"
        );
    }
    let cities = read(dir, "cities.csv")?;
    let areas = read(dir, "areas.csv")?;
    let streets = read(dir, "streets.csv")?;
    let villages = read(dir, "villages.csv")?;
    let history = dir
        .join("history.csv")
        .exists()
        .then(|| read(dir, "history.csv"))
        .transpose()?;
    let files = DivisionFiles {
        cities: &cities,
        areas: &areas,
        streets: &streets,
        villages: &villages,
        history: history.as_deref(),
    };
    Hierarchy::from_csv(code, files).map_err(|e| {
        let file = dir.join(&e.file);
        match e.line {
            Some(line) => anyhow!("{}:{line}: {}", file.display(), e.message),
            None => anyhow!("{}: {}", file.display(), e.message),
        }
    })
}

/// How many units of each level (districts, towns, villages) a hierarchy has today.
pub fn unit_counts(hierarchy: &Hierarchy) -> [usize; 3] {
    let mut counts = [0; 3];
    for unit in hierarchy.units() {
        if unit.valid_to.is_some() {
            continue;
        }
        match unit.code.level() {
            CodeLevel::District => counts[0] += 1,
            CodeLevel::Town => counts[1] += 1,
            CodeLevel::Village => counts[2] += 1,
            _ => {}
        }
    }
    counts
}

/// A password of 16 letters and digits, none that look alike.
fn new_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Runs `anju init`.
pub fn run(args: Args) -> Result<()> {
    let login = args.admin.trim();
    if login.is_empty() {
        bail!("--admin: 登录名不能为空 / expected a login name, but found an empty one");
    }
    let hierarchy = read_divisions(&args.divisions, &args.city)?;
    let db = Database::parse(&args.db)?;
    if db.sqlite_non_empty() {
        bail!(
            "数据库 {} 已存在且非空 / the database {} already exists and is not empty",
            args.db,
            args.db
        );
    }
    let (vault, key_file) = new_vault(&db)?;
    let store = open(&args.db, vault)?;
    let city = hierarchy.city();
    store
        .initialise(&hierarchy, &MigrantRule::new(city))
        .with_context(|| format!("初始化 / initialising {}", args.db))?;
    let password = new_password();
    store
        .create_user(NewUser {
            login: login.to_string(),
            name: "系统管理员".into(),
            role: Role::Administrator,
            unit: city,
            department: None,
            password_hash: web::password::hash(&password),
        })
        .with_context(|| format!("创建管理员 / creating the administrator {login}"))?;
    let [districts, towns, villages] = unit_counts(&hierarchy);
    println!(
        "已建立 {} ({city}): {districts} 个区县 districts, {towns} 个镇街 towns/streets, {villages} 个村社区 villages/communities",
        hierarchy.root().name
    );
    println!("数据库 database: {}", args.db);
    if let Some(file) = key_file {
        println!(
            "密钥文件 key file: {} (请妥善保管 / keep it safe: without it ID numbers cannot be read)",
            file.display()
        );
    }
    println!("管理员 administrator: {login}");
    println!("密码 password: {password}   (只显示这一次 shown only this once)");
    Ok(())
}
