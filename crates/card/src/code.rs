//! 二维码内容 — the text a card's QR code holds: `AJ1.` then the statement's JSON and
//! the signature over exactly those bytes, each in unpadded URL-safe base64.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::key::CityKey;
use crate::statement::CardStatement;

/// What every card code begins with (version 1).
pub(crate) const PREFIX: &str = "AJ1.";

impl CityKey {
    /// The code for `statement`, signed; the statement names this key's algorithm.
    pub fn sign(&self, statement: &CardStatement) -> String {
        let statement = CardStatement {
            algorithm: self.algorithm(),
            ..statement.clone()
        };
        let json = serde_json::to_vec(&statement).expect("a statement serialises");
        let signature = self.signature(&json);
        format!(
            "{PREFIX}{}.{}",
            URL_SAFE_NO_PAD.encode(&json),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }
}

/// The signed bytes and the signature of a code, if it has the shape of one.
pub(crate) fn split(code: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let rest = code.trim().strip_prefix(PREFIX)?;
    let (body, signature) = rest.split_once('.')?;
    Some((
        URL_SAFE_NO_PAD.decode(body).ok()?,
        URL_SAFE_NO_PAD.decode(signature).ok()?,
    ))
}
