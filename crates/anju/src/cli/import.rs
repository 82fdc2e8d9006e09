//! `anju import` and `anju template` — a department's file into the registry, with
//! a progress bar (rows/s, time left), and the department's template to fill in.
//! The rules are the exchange crate's and the planner's; this wires them to the
//! console and says what happened to every row.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use exchange::import::{self, Mode, Observer, Options, Progress, Report, Stage};
use exchange::limits::Limits;
use exchange::template::{TEMPLATES, Template};
use indicatif::{ProgressBar, ProgressStyle};
use store::Store;

use super::{Database, existing_vault, open, user_named};

/// Options of `anju import`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The department's template: public_security 公安, labour 劳动, education 教育,
    /// health 卫生, family_planning 计生, trade_union 工会, justice 司法,
    /// statistics 统计.
    pub kind: String,
    /// The CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX file.
    pub file: PathBuf,
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// The login of the user the rows are recorded as (their role, department and scope apply).
    #[arg(long)]
    pub user: String,
    /// Check every row, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the valid rows and skip the others (default: all or nothing).
    #[arg(long)]
    pub valid_rows_only: bool,
    /// The CSV's encoding, utf-8 or gb18030 (gbk); detected when not given.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Write the bad rows to this XLSX file.
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Draw no progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Options of `anju template`.
#[derive(Debug, Clone, clap::Args)]
pub struct TemplateArgs {
    /// The department (as for `anju import`).
    pub kind: String,
    /// Where to write the XLSX file.
    #[arg(long)]
    pub out: PathBuf,
}

fn template_named(kind: &str) -> Result<&'static Template> {
    Template::named(kind).ok_or_else(|| {
        let kinds: Vec<String> = TEMPLATES
            .iter()
            .map(|t| format!("{} {}", t.kind(), t.name))
            .collect();
        anyhow!(
            "没有“{kind}”模板，可选：{0} / expected one of {0}, but found {kind:?}",
            kinds.join(", ")
        )
    })
}

/// Runs `anju template`.
pub fn template(args: TemplateArgs) -> Result<()> {
    let template = template_named(&args.kind)?;
    let bytes = exchange::template::template_workbook(template, domain::policy::Policy::seed())?;
    std::fs::write(&args.out, bytes)
        .with_context(|| format!("写入 / writing {}", args.out.display()))?;
    println!("{} 模板 template: {}", template.name, args.out.display());
    Ok(())
}

/// Runs `anju import`.
pub fn run(args: Args) -> Result<()> {
    let template = template_named(&args.kind)?;
    let encoding = args
        .encoding
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| anyhow!("--{e}"))?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("读取 / reading {}", args.file.display()))?;
    let db = Database::parse(&args.db)?;
    if let Database::Sqlite(path) = &db
        && !db.sqlite_non_empty()
    {
        bail!("找不到数据库 {0} / no database at {0}", path.display());
    }
    let store = open(&args.db, existing_vault(&db)?)?;
    let actor = user_named(store.as_ref(), &args.user)?;
    let options = Options {
        mode: if args.valid_rows_only {
            Mode::ValidRowsOnly
        } else {
            Mode::AllOrNothing
        },
        dry_run: args.dry_run,
        encoding,
        limits: Limits::default(),
    };
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut bar = Bar::new(args.quiet);
    let report = import::import(
        store.as_ref(),
        &actor,
        template,
        &name,
        &bytes,
        &options,
        &mut bar,
    )
    .map_err(|e| anyhow!("{e}"))?;
    bar.finish();
    if let Some(path) = &args.errors {
        let workbook =
            exchange::report::errors_workbook(template, &report.errors, &report.refused_rows)?;
        std::fs::write(path, workbook)
            .with_context(|| format!("写入 / writing {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
        print_errors_hint(&report, args.errors.as_deref());
    }
    if report.committed {
        fold(store.as_ref(), args.quiet || args.json)?;
    }
    if report.committed || (report.dry_run && report.errors.is_empty()) {
        Ok(())
    } else {
        let errors = report.errors.len();
        let noun = if errors == 1 { "error" } else { "errors" };
        bail!("有 {errors} 处错误，未写入任何行 / {errors} {noun}: no row was written")
    }
}

/// Folds every segment piece into the tables (see [`Store::fold_segment`]):
/// the rows are in and every reader sees them already; folded, the name
/// search and the village lists read them from the tables' indexes. Each
/// piece is a transaction of its own: stopped midway, the rest waits for the
/// next import or a server.
fn fold(store: &dyn Store, quiet: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let mut folded = 0;
    while let Some(persons) = store.fold_segment()? {
        folded += persons;
    }
    if folded > 0 && !quiet {
        println!(
            "已将 {folded} 人并入表 / {folded} persons folded into the tables ({:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Bad rows printed at most (the errors workbook, `--errors`, has them all):
/// a file may refuse every one of a million rows.
const ROWS_PRINTED: usize = 200;

fn print_report(report: &Report) {
    let mut printed = 0;
    for (at, error) in report.errors.iter().enumerate() {
        if at == 0 || report.errors[at - 1].row != error.row {
            if printed == ROWS_PRINTED {
                break;
            }
            printed += 1;
        }
        let column = if error.column.is_empty() {
            "—"
        } else {
            &error.column
        };
        println!(
            "第 {} 行 row {} [{column}] {} / {}",
            error.row, error.row, error.zh, error.en
        );
    }
    let unprinted = report.refused.saturating_sub(printed as u64);
    if unprinted > 0 {
        println!("…… 另有 {unprinted} 行错误未列出 / {unprinted} more bad rows not listed here");
    }
    let verb = match (report.dry_run, report.committed) {
        (true, _) => "可导入 would add",
        (false, true) => "已导入 added",
        (false, false) => "未导入 not written, would add",
    };
    println!(
        "{}: {} 行 rows, {verb} {}, 库中已有 already in the registry {}, 错误 errors {} (sha256 {})",
        report.file,
        report.rows,
        report.added,
        report.already,
        report.errors.len(),
        report.sha256
    );
    if report.ended + report.corrected + report.moved > 0 {
        println!(
            "其中 of which: 结束原有信息 ended a fact {}, 更正结束日期 corrected a last day {}, 迁移 moved {}",
            report.ended, report.corrected, report.moved
        );
    }
    if !report.skipped.is_empty() {
        let rows: Vec<String> = report
            .skipped
            .iter()
            .take(ROWS_PRINTED)
            .map(u64::to_string)
            .collect();
        let more = if report.skipped.len() > ROWS_PRINTED {
            format!(" … ({})", report.skipped.len())
        } else {
            String::new()
        };
        println!("已跳过的行 skipped rows: {}{more}", rows.join(", "));
    }
    println!("导入记录 the run's report: /imports/runs/{}", report.event);
}

/// Where the bad rows went, or how to have them: with the rows themselves, to
/// put right and import again.
fn print_errors_hint(report: &Report, errors: Option<&std::path::Path>) {
    if report.errors.is_empty() {
        return;
    }
    match errors {
        Some(path) => println!(
            "错误行已写入 {0}，可在其“待改行”表中改正后重新导入 / the bad rows are in {0}: put them right on its sheet 待改行 and import that file again",
            path.display()
        ),
        None => println!(
            "加 --errors 文件.xlsx 可导出错误行，改正后重新导入 / add --errors FILE.xlsx for the bad rows, to put right and import again"
        ),
    }
}

/// The progress bar: rows per second and time left, per stage.
struct Bar {
    bar: Option<ProgressBar>,
    stage: Option<Stage>,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        Bar {
            bar: (!quiet).then(ProgressBar::hidden),
            stage: None,
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Bar {
    fn progress(&mut self, progress: Progress) {
        let Some(bar) = &mut self.bar else { return };
        if self.stage != Some(progress.stage) {
            self.stage = Some(progress.stage);
            *bar = ProgressBar::new(progress.total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} 行 rows, {per_sec}, 剩余 ETA {eta}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar.set_message(match progress.stage {
                Stage::Checking => "检查 checking",
                Stage::Writing => "写入 writing",
            });
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        bar.set_position(progress.done);
    }
}
