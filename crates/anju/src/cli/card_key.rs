//! 签名密钥 — the city's card signing key for `anju serve` and `anju demo`: from
//! `ANJU_CARD_KEY` (64 hex characters, or `sm2:` and 64 for SM2), else the file
//! `ANJU_CARD_KEY_FILE`, else `<db>.card.key` beside a SQLite file, made on first
//! use (with its public key in `<db>.card.pub`) for the algorithm
//! `ANJU_CARD_ALGORITHM` names (`ed25519`, the default, or `sm2`, the national
//! algorithm). Like the ID vault's key it never goes into the database. A
//! PostgreSQL database without either setting serves no cards.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use card::CityKey;

use super::Database;

/// The variable holding the key itself.
pub const CARD_KEY_VARIABLE: &str = "ANJU_CARD_KEY";
/// The variable naming a key file.
pub const CARD_KEY_FILE_VARIABLE: &str = "ANJU_CARD_KEY_FILE";
/// The variable choosing the algorithm of a new key: `ed25519` or `sm2`.
pub const CARD_ALGORITHM_VARIABLE: &str = "ANJU_CARD_ALGORITHM";

/// `<db>.card.key` beside a SQLite database.
fn key_file_beside(db: &Database) -> Option<PathBuf> {
    match db {
        Database::Sqlite(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".card.key");
            Some(PathBuf::from(name))
        }
        Database::Postgres(_) => None,
    }
}

/// The city's card key, if one is set or can be kept beside the database.
pub fn city_card_key(db: &Database) -> Result<Option<CityKey>> {
    if let Some(text) = std::env::var_os(CARD_KEY_VARIABLE).filter(|v| !v.is_empty()) {
        let key = CityKey::from_hex(&text.to_string_lossy())
            .map_err(|error| anyhow::anyhow!("{CARD_KEY_VARIABLE}: {}", error.message()))?;
        return Ok(Some(key));
    }
    let file = std::env::var_os(CARD_KEY_FILE_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| key_file_beside(db));
    let Some(file) = file else {
        return Ok(None);
    };
    if file.exists() {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("读取签名密钥 / reading the card key {}", file.display()))?;
        let key = CityKey::from_hex(&text)
            .map_err(|error| anyhow::anyhow!("{}: {}", file.display(), error.message()))?;
        return Ok(Some(key));
    }
    let algorithm = match std::env::var(CARD_ALGORITHM_VARIABLE) {
        Ok(text) if !text.is_empty() => text.parse().map_err(|error: card::CardError| {
            anyhow::anyhow!("{CARD_ALGORITHM_VARIABLE}: {}", error.message())
        })?,
        _ => card::Algorithm::Ed25519,
    };
    let key = CityKey::generate_for(algorithm);
    write_private(&file, &key.to_hex())?;
    let public = file.with_extension("pub");
    std::fs::write(&public, key.public().to_hex() + "\n")
        .with_context(|| format!("写入公钥 / writing the public key {}", public.display()))?;
    println!(
        "新建居住证签名密钥 New card signing key: {} (public key: {})",
        file.display(),
        public.display()
    );
    Ok(Some(key))
}

/// Writes `text` to a new file only its owner may read.
fn write_private(file: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(file)
        .with_context(|| format!("创建签名密钥 / creating the card key {}", file.display()))?;
    writeln!(out, "{text}").with_context(|| format!("writing {}", file.display()))
}
