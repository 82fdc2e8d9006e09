//! `anju` — the command line of 安居 Anju: `demo`, `serve`, `init`, `indicators`,
//! `bench`, `bench-pages`, `import`, `template`, `export`, `verify`. Thin: it parses
//! the arguments and hands over to [`anju::cli`].

use std::process::ExitCode;

/// mimalloc: start-up derives every person's intervals on all cores, and the system
/// allocator's locks cost a quarter of that time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// 安居 Anju — the information platform of a city's programme for migrant residents.
#[derive(Debug, Parser)]
#[command(name = "anju", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 演示城市 — build a synthetic Wuxi into a new database, print demo users, serve it.
    Demo(anju::cli::demo::Args),
    /// 启动服务 — serve an existing database.
    Serve(anju::cli::serve::Args),
    /// 建立城市 — set up a city from NBS division files, with an administrator.
    Init(anju::cli::init::Args),
    /// 指标 — every indicator for a unit and its children as of a date.
    Indicators(anju::cli::indicators::Args),
    /// 数据导入 — import a department's CSV or XLSX file (all or nothing by default).
    Import(anju::cli::import::Args),
    /// 导出 — the indicator table as CSV, XLSX, ADX XML or DHIS2 JSON.
    Export(anju::cli::export::Args),
    /// 导入模板 — write a department's import template as XLSX.
    Template(anju::cli::import::TemplateArgs),
    /// 验证居住证 — check a permit card's code offline with the city's public key.
    Verify(anju::cli::verify::Args),
    /// 指标基准 — the engine against DuckDB, PostgreSQL and SQLite on the demo city.
    Bench(anju::cli::bench::Args),
    /// 页面测速 — how long each page takes to render over a (demo) database.
    BenchPages(anju::cli::bench_pages::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => anju::cli::demo::run(args),
        Command::Serve(args) => anju::cli::serve::run(args),
        Command::Init(args) => anju::cli::init::run(args),
        Command::Indicators(args) => anju::cli::indicators::run(args),
        Command::Import(args) => anju::cli::import::run(args),
        Command::Template(args) => anju::cli::import::template(args),
        Command::Export(args) => anju::cli::export::run(args),
        Command::Verify(args) => match anju::cli::verify::run(args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(2),
            Err(error) => Err(error),
        },
        Command::Bench(args) => anju::cli::bench::run(args),
        Command::BenchPages(args) => anju::cli::bench_pages::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("错误 error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
