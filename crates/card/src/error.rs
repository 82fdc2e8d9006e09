//! 错误 — why a key, a code or a list could not be read, in both languages.

use domain::message::Message;

/// A key, card code or revocation list that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// A key not in its written form: 64 hexadecimal characters (Ed25519), or
    /// `sm2:` and the hex of a 32-byte secret or a 33- or 65-byte public point.
    #[error("expected {} of 64 hex characters, or sm2: and {} hex characters for SM2, but found {found}", if *public { "a public key" } else { "a signing key" }, if *public { "66 or 130" } else { "64" })]
    BadKey { public: bool, found: String },
    /// A signature algorithm the card does not offer.
    #[error("expected the algorithm ed25519 or sm2, but found {found}")]
    BadAlgorithm { found: String },
    /// A revocation list whose signature does not verify with the city's key.
    #[error("expected a revocation list signed by the city, but the signature does not verify")]
    ListNotSigned,
    /// A revocation list that is not the JSON it should be.
    #[error("expected a revocation list in JSON, but found {reason}")]
    BadList { reason: String },
    /// The font for the PDF card is missing or not a font.
    #[error(
        "expected a TrueType or OpenType font with Chinese characters at {path} (set ANJU_CARD_FONT, or install fonts-wqy-zenhei), but found {reason}"
    )]
    Font { path: String, reason: String },
    /// The font has no glyph for a character the card shows, or cannot be subset.
    #[error("expected a font that can print the card, but {reason}")]
    Pdf { reason: String },
}

impl CardError {
    /// The reason in Chinese and English.
    pub fn message(&self) -> Message {
        let zh = match self {
            CardError::BadKey { public, found } => {
                let (what, sm2) = if *public {
                    ("公钥", "66 或 130")
                } else {
                    ("签名密钥", "64")
                };
                format!("{what}应为 64 位十六进制字符（SM2 为 sm2: 加 {sm2} 位），实为{found}")
            }
            CardError::BadAlgorithm { found } => {
                format!("签名算法应为 ed25519 或 sm2，实为{found}")
            }
            CardError::ListNotSigned => "注销名单的签名与本市公钥不符".into(),
            CardError::BadList { reason } => format!("注销名单格式错误：{reason}"),
            CardError::Font { path, reason } => format!(
                "找不到可用的居住证卡片中文字体 {path}（用 ANJU_CARD_FONT 指定，或安装 fonts-wqy-zenhei）：{reason}"
            ),
            CardError::Pdf { reason } => format!("字体无法打印此卡：{reason}"),
        };
        Message::new(zh, self.to_string())
    }
}
