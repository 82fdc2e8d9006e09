//! 居住证卡 — the printable card (an HTML page with the QR code, and a PDF), the city's public
//! key and signed revocation list for anyone to check cards offline, and the public
//! verify page (no login) that shows only what the card itself shows.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::Html;
use card::{CardStatement, CityKey, PublicKey, RevocationList, SignedList, Verdict};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::may_read_persons;
use super::permit_steps::PermitPath;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{Json, Path};
use crate::openapi::ReadErrors;

/// The city's public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKeyAnswer {
    /// `ed25519`, or `sm2` where the city signs with the national algorithm.
    pub algorithm: &'static str,
    /// 64 hex characters (Ed25519), or `sm2:` and the hex of the SEC1 point.
    pub public_key: String,
    /// The city's division code, as cards name their issuer.
    pub issuer: String,
}

/// The code to check.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VerifyQuery {
    /// The text of the card's QR code (`AJ1.…`).
    pub code: Option<String>,
}

/// 503 when the server was started without the city's signing key.
fn key(app: &App) -> Result<&CityKey, ApiError> {
    app.card_key().ok_or_else(|| {
        ApiError::new(
            Code::Unavailable,
            Some("card_key"),
            "服务器未配置本市居住证签名密钥",
            "expected the city's card signing key to be configured, but found none",
        )
    })
}

fn issuer(app: &App) -> String {
    app.hierarchy().city().to_string()
}

/// The signed list of every revoked or replaced card, as of today.
async fn signed_list(app: &App) -> Result<SignedList, ApiError> {
    let key = key(app)?.clone();
    let issuer = issuer(app);
    app.run(move |store| {
        let permits = store.replaced_or_revoked_permits()?;
        Ok(key.sign_list(&RevocationList::of(&issuer, crate::today(), &permits)))
    })
    .await
}

/// 公钥 — the city's public key, to check cards and the revocation list offline.
#[utoipa::path(get, path = "/api/v1/card/public-key", tag = "permits",
    responses((status = 200, description = "The key", body = PublicKeyAnswer)))]
pub async fn public_key(State(app): State<App>) -> Result<Json<PublicKeyAnswer>, ApiError> {
    let key = key(&app)?;
    Ok(Json(PublicKeyAnswer {
        algorithm: key.algorithm().name(),
        public_key: key.public().to_hex(),
        issuer: issuer(&app),
    }))
}

/// 注销名单 — every revoked or replaced card, signed by the city (no login).
#[utoipa::path(get, path = "/api/v1/card/revocations", tag = "permits",
    responses((status = 200, description = "`list` is the JSON signed; `signature` the city's signature over it (URL-safe base64), `algorithm` ed25519 or sm2", body = Object)))]
pub async fn revocations(State(app): State<App>) -> Result<Json<SignedList>, ApiError> {
    signed_list(&app).await.map(Json)
}

/// 打印居住证 — the printable card of an issued permit: number, holder, residence,
/// validity and the QR code of its signed statement.
#[utoipa::path(get, path = "/api/v1/permits/{id}/card", tag = "permits",
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 200, description = "The card, an HTML page to print", content_type = "text/html", body = String), ReadErrors),
    security(("bearer" = [])))]
pub async fn card_page(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
) -> Result<Html<String>, ApiError> {
    let (statement, code) = issued_card(&app, user, path).await?;
    let qr = card::qr_svg(&code, 220).unwrap_or_default();
    Ok(Html(page(
        TITLE,
        &format!(
            "{}<div class=\"qr\">{qr}</div><p class=\"code\">{}</p>",
            fields(&app, &statement),
            escape(&code)
        ),
    )))
}

/// 打印居住证（PDF）— the same card as a one-page PDF, its text set in a subset of
/// the CJK font the server was given (`ANJU_CARD_FONT`); 503 naming the font when
/// it is missing.
#[utoipa::path(get, path = "/api/v1/permits/{id}/card.pdf", tag = "permits",
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 200, description = "The card, a PDF to print", content_type = "application/pdf", body = Vec<u8>), ReadErrors),
    security(("bearer" = [])))]
pub async fn card_pdf(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
) -> Result<([(header::HeaderName, &'static str); 1], Vec<u8>), ApiError> {
    let font = app.card_font().map_err(font_unavailable)?;
    let (statement, code) = issued_card(&app, user, path).await?;
    let rows = rows(&app, &statement);
    let pdf = card::card_pdf(TITLE, &rows, &code, &font).map_err(font_unavailable)?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf))
}

/// 503 on `card_font`: the font is missing or cannot print the card.
fn font_unavailable(error: card::CardError) -> ApiError {
    let message = error.message();
    ApiError::new(Code::Unavailable, Some("card_font"), message.zh, message.en)
}

const TITLE: &str = "居住证 Residence permit";

/// The signed statement and code of an issued permit the caller may read (a view
/// of the holder is recorded); refused when not issued.
async fn issued_card(
    app: &App,
    user: domain::access::User,
    path: PermitPath,
) -> Result<(CardStatement, String), ApiError> {
    may_read_persons(&user)?;
    let key = key(app)?.clone();
    let (permit, file) = app
        .run(move |store| {
            let permit = store.permit(&user, path.id)?;
            let file = store.person(&user, permit.person)?;
            Ok((permit, file))
        })
        .await?;
    let statement =
        CardStatement::of(&permit, &file.person.name, &issuer(app)).ok_or_else(|| {
            ApiError::new(
                Code::InvalidParameter,
                Some("id"),
                format!("居住证 {} 尚未签发，没有卡", permit.id),
                format!(
                    "expected an issued permit, but permit {} has no card yet",
                    permit.id
                ),
            )
        })?;
    let code = key.sign(&statement);
    Ok((statement, code))
}

/// 居住证验证 — checks a card's code with the city's public key and its current
/// revocation list, and shows only what the card shows (no login).
#[utoipa::path(get, path = "/verify", tag = "permits", params(VerifyQuery),
    responses((status = 200, description = "The verdict, an HTML page", content_type = "text/html", body = String)))]
pub async fn verify_page(
    State(app): State<App>,
    Query(query): Query<VerifyQuery>,
) -> Result<Html<String>, ApiError> {
    let public: PublicKey = key(&app)?.public();
    let form = "<form method=\"get\" action=\"/verify\"><input name=\"code\" size=\"60\" \
                placeholder=\"AJ1.…\"><button>验证 Verify</button></form>";
    let Some(code) = query.code.filter(|c| !c.trim().is_empty()) else {
        return Ok(Html(page("居住证验证 Verify a residence permit", form)));
    };
    let list = signed_list(&app)
        .await?
        .open(&public)
        .map_err(|error| ApiError::internal(&error.to_string()))?;
    let verdict = card::verify(&code, &public, Some(&list), crate::today());
    let message = verdict.message();
    let shown = match &verdict {
        Verdict::Valid { card }
        | Verdict::NotYetValid { card }
        | Verdict::Expired { card }
        | Verdict::Revoked { card, .. }
        | Verdict::Replaced { card, .. } => fields(&app, card),
        Verdict::ForgedOrAltered | Verdict::NotACard => String::new(),
    };
    let class = if matches!(verdict, Verdict::Valid { .. }) {
        "good"
    } else {
        "bad"
    };
    Ok(Html(page(
        "居住证验证 Verify a residence permit",
        &format!(
            "<p class=\"{class}\">{}<br>{}</p>{shown}{form}",
            escape(&message.zh),
            escape(&message.en)
        ),
    )))
}

/// What the card shows: label and value.
fn rows(app: &App, card: &CardStatement) -> Vec<(&'static str, String)> {
    let place = card
        .unit
        .parse()
        .ok()
        .map(|code| {
            app.hierarchy()
                .path(code)
                .iter()
                .map(|unit| unit.name.clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    vec![
        ("证号 Number", card.number.clone()),
        ("姓名 Name", card.name.clone()),
        ("居住地 Residence", format!("{place} ({})", card.unit)),
        (
            "有效期 Valid",
            format!("{} – {}", card.valid_from, card.valid_to),
        ),
        ("版本 Edition", card.edition.to_string()),
        ("签发 Issuer", card.issuer.clone()),
    ]
}

/// What the card shows, as a table.
fn fields(app: &App, card: &CardStatement) -> String {
    let rows: String = rows(app, card)
        .iter()
        .map(|(label, value)| format!("<tr><th>{label}</th><td>{}</td></tr>", escape(value)))
        .collect();
    format!("<table>{rows}</table>")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:40em;margin:2em auto}}\
         table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:.3em .6em;text-align:left}}\
         .code{{font-family:monospace;word-break:break-all;font-size:.7em}}\
         .good{{color:#060;font-weight:bold}}.bad{{color:#a00;font-weight:bold}}\
         @media print{{form{{display:none}}}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
