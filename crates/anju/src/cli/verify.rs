//! `anju verify` — checks a residence permit card's code offline, with the city's
//! public key and, if given, the city's signed revocation list (as published at
//! `/api/v1/card/revocations`). Prints the verdict in both languages and what the
//! card shows; exits with 0 only for a valid card.

use anyhow::{Context as _, Result, bail};
use card::{PublicKey, SignedList, Verdict};

/// Options of `anju verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The text of the card's QR code (`AJ1.…`).
    pub code: String,
    /// The city's public key: 64 hex characters, or a file holding them.
    #[arg(long)]
    pub public_key: String,
    /// The city's signed revocation list, a JSON file.
    #[arg(long)]
    pub revocations: Option<std::path::PathBuf>,
    /// The day to check for (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub on: Option<String>,
}

/// Runs `anju verify`; whether the card is valid.
pub fn run(args: Args) -> Result<bool> {
    let text = match std::fs::read_to_string(&args.public_key) {
        Ok(text) => text,
        Err(_) => args.public_key.clone(),
    };
    let key = PublicKey::from_hex(&text)
        .map_err(|error| anyhow::anyhow!("--public-key: {}", error.message()))?;
    let list = match &args.revocations {
        None => None,
        Some(file) => {
            let text = std::fs::read_to_string(file).with_context(|| {
                format!(
                    "读取注销名单 / reading the revocation list {}",
                    file.display()
                )
            })?;
            let signed: SignedList = serde_json::from_str(&text).with_context(|| {
                format!(
                    "注销名单格式错误 / the revocation list {} is not a signed list",
                    file.display()
                )
            })?;
            Some(
                signed
                    .open(&key)
                    .map_err(|error| anyhow::anyhow!("{}: {}", file.display(), error.message()))?,
            )
        }
    };
    let on = match &args.on {
        Some(text) => match text.parse() {
            Ok(date) => date,
            Err(_) => bail!(
                "--on 应为日期 YYYY-MM-DD，实为“{text}” / expected --on as YYYY-MM-DD, but found {text:?}"
            ),
        },
        None => web::today(),
    };
    let verdict = card::verify(&args.code, &key, list.as_ref(), on);
    println!("{}", verdict.message());
    if let Verdict::Valid { card }
    | Verdict::NotYetValid { card }
    | Verdict::Expired { card }
    | Verdict::Revoked { card, .. }
    | Verdict::Replaced { card, .. } = &verdict
    {
        println!("证号 number: {}", card.number);
        println!("姓名 name: {}", card.name);
        println!("居住地 residence: {}", card.unit);
        println!("有效期 valid: {} – {}", card.valid_from, card.valid_to);
        println!("版本 edition: {}", card.edition);
        println!("签发 issuer: {}", card.issuer);
    }
    if list.is_none() {
        println!("未核对注销名单 / not checked against a revocation list (--revocations)");
    }
    Ok(matches!(verdict, Verdict::Valid { .. }))
}
