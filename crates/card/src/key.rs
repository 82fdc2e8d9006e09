//! 签名密钥 — the city's Ed25519 key pair. The signing key is kept like the ID
//! vault's key: in a file or a setting beside the database, never in it; the public
//! key is published so that anyone can check a card offline.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::error::CardError;

/// The city's signing key.
#[derive(Clone)]
pub struct CityKey(SigningKey);

/// The city's public key, which checks cards and revocation lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl std::fmt::Debug for CityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CityKey(public {})", self.public().to_hex())
    }
}

fn bytes_of(text: &str, what: &'static str) -> Result<[u8; 32], CardError> {
    let text = text.trim();
    let bad = || CardError::BadKey {
        what,
        found: format!("{} characters", text.chars().count()),
    };
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl CityKey {
    /// A new random key.
    pub fn generate() -> CityKey {
        CityKey(SigningKey::from_bytes(&rand::random::<[u8; 32]>()))
    }

    /// The key written as 64 hex characters (a key file's content).
    ///
    /// # Errors
    ///
    /// [`CardError::BadKey`] when it is not 64 hex characters.
    pub fn from_hex(text: &str) -> Result<CityKey, CardError> {
        Ok(CityKey(SigningKey::from_bytes(&bytes_of(
            text,
            "a signing key",
        )?)))
    }

    /// The key as 64 hex characters.
    pub fn to_hex(&self) -> String {
        hex(&self.0.to_bytes())
    }

    /// Its public key.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    pub(crate) fn signature(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl PublicKey {
    /// A public key written as 64 hex characters.
    ///
    /// # Errors
    ///
    /// [`CardError::BadKey`] when it is not 64 hex characters of a valid key.
    pub fn from_hex(text: &str) -> Result<PublicKey, CardError> {
        let bytes = bytes_of(text, "a public key")?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| CardError::BadKey {
                what: "a public key",
                found: "a point that is not on the curve".into(),
            })
    }

    /// The key as 64 hex characters.
    pub fn to_hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    /// Whether `signature` is the city's over `message` (strict verification).
    pub(crate) fn signed(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        self.0.verify_strict(message, &signature).is_ok()
    }
}
