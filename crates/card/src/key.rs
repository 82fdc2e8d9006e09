//! 签名密钥 — the city's key pair, Ed25519 or, where a setting asks for the national
//! algorithm, SM2 (GM/T 0003, with SM3; RustCrypto's `sm2`). The signing key is kept
//! like the ID vault's key: in a file or a setting beside the database, never in it;
//! the public key is published so that anyone can check a card offline.
//!
//! Written forms: an Ed25519 key is 64 hex characters (secret or public); an SM2
//! key is `sm2:` and the hex of its 32-byte secret, or of its public point (SEC1).

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::{Signer as _, Verifier as _};

use crate::error::CardError;

/// The distinguishing identifier SM2 signatures are made and checked with: the
/// default of GM/T 0009 (`1234567812345678`), which every SM2 verifier knows.
const SM2_ID: &str = "1234567812345678";
/// What an SM2 key's written form begins with.
const SM2_PREFIX: &str = "sm2:";

/// A signature algorithm the city may sign with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), the default.
    #[default]
    Ed25519,
    /// SM2 with SM3 (GM/T 0003), the national algorithm.
    Sm2,
}

impl Algorithm {
    /// `ed25519` or `sm2`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Sm2 => "sm2",
        }
    }
}

impl std::str::FromStr for Algorithm {
    type Err = CardError;

    fn from_str(text: &str) -> Result<Algorithm, CardError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ed25519" => Ok(Algorithm::Ed25519),
            "sm2" => Ok(Algorithm::Sm2),
            other => Err(CardError::BadAlgorithm {
                found: other.chars().take(40).collect(),
            }),
        }
    }
}

/// The city's signing key.
#[derive(Clone)]
pub enum CityKey {
    Ed25519(SigningKey),
    Sm2(sm2::dsa::SigningKey),
}

/// The city's public key, which checks cards and revocation lists. Two keys are
/// equal when their written forms are.
#[derive(Debug, Clone)]
pub enum PublicKey {
    Ed25519(VerifyingKey),
    Sm2(sm2::dsa::VerifyingKey),
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &PublicKey) -> bool {
        self.to_hex() == other.to_hex()
    }
}

impl Eq for PublicKey {}

impl std::fmt::Debug for CityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CityKey(public {})", self.public().to_hex())
    }
}

/// The bytes of `text` written in hex, if it is `len` bytes of hex.
fn hex_bytes(text: &str, len: usize) -> Option<Vec<u8>> {
    if text.len() != 2 * len || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..len)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bad(public: bool, text: &str) -> CardError {
    CardError::BadKey {
        public,
        found: format!("{} characters", text.chars().count()),
    }
}

impl CityKey {
    /// A new random Ed25519 key.
    pub fn generate() -> CityKey {
        CityKey::generate_for(Algorithm::Ed25519)
    }

    /// A new random key for `algorithm`.
    pub fn generate_for(algorithm: Algorithm) -> CityKey {
        match algorithm {
            Algorithm::Ed25519 => {
                CityKey::Ed25519(SigningKey::from_bytes(&rand::random::<[u8; 32]>()))
            }
            // A random 32-byte string is a valid scalar but for about 2^-32 of them.
            Algorithm::Sm2 => loop {
                if let Ok(key) =
                    sm2::dsa::SigningKey::from_slice(SM2_ID, &rand::random::<[u8; 32]>())
                {
                    break CityKey::Sm2(key);
                }
            },
        }
    }

    /// The key in its written form (a key file's content): 64 hex characters for
    /// Ed25519, `sm2:` and 64 hex characters for SM2.
    ///
    /// # Errors
    ///
    /// [`CardError::BadKey`] when it is neither.
    pub fn from_hex(text: &str) -> Result<CityKey, CardError> {
        let text = text.trim();
        if let Some(sm2) = text.strip_prefix(SM2_PREFIX) {
            let bytes = hex_bytes(sm2, 32).ok_or_else(|| bad(false, text))?;
            return sm2::dsa::SigningKey::from_slice(SM2_ID, &bytes)
                .map(CityKey::Sm2)
                .map_err(|_| CardError::BadKey {
                    public: false,
                    found: "a number that is not an SM2 secret key".into(),
                });
        }
        let bytes = hex_bytes(text, 32).ok_or_else(|| bad(false, text))?;
        let bytes: [u8; 32] = bytes.try_into().expect("32 bytes");
        Ok(CityKey::Ed25519(SigningKey::from_bytes(&bytes)))
    }

    /// The key in its written form.
    pub fn to_hex(&self) -> String {
        match self {
            CityKey::Ed25519(key) => hex(&key.to_bytes()),
            CityKey::Sm2(key) => format!("{SM2_PREFIX}{}", hex(&key.to_bytes())),
        }
    }

    /// Its public key.
    pub fn public(&self) -> PublicKey {
        match self {
            CityKey::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            CityKey::Sm2(key) => PublicKey::Sm2(key.verifying_key().clone()),
        }
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            CityKey::Ed25519(_) => Algorithm::Ed25519,
            CityKey::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// Its signature over `message` (64 bytes for either algorithm).
    pub(crate) fn signature(&self, message: &[u8]) -> Vec<u8> {
        match self {
            CityKey::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
            CityKey::Sm2(key) => {
                let signature: sm2::dsa::Signature = key.sign(message);
                signature.to_bytes().to_vec()
            }
        }
    }
}

impl PublicKey {
    /// A public key in its written form: 64 hex characters for Ed25519, `sm2:` and
    /// the hex of the SEC1 point for SM2.
    ///
    /// # Errors
    ///
    /// [`CardError::BadKey`] when it is neither, or not a point of the curve.
    pub fn from_hex(text: &str) -> Result<PublicKey, CardError> {
        let text = text.trim();
        let off_curve = || CardError::BadKey {
            public: true,
            found: "a point that is not on the curve".into(),
        };
        if let Some(sm2) = text.strip_prefix(SM2_PREFIX) {
            let bytes = hex_bytes(sm2, 65)
                .or_else(|| hex_bytes(sm2, 33))
                .ok_or_else(|| bad(true, text))?;
            return sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_ID, &bytes)
                .map(PublicKey::Sm2)
                .map_err(|_| off_curve());
        }
        let bytes = hex_bytes(text, 32).ok_or_else(|| bad(true, text))?;
        let bytes: [u8; 32] = bytes.try_into().expect("32 bytes");
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey::Ed25519)
            .map_err(|_| off_curve())
    }

    /// The key in its written form.
    pub fn to_hex(&self) -> String {
        match self {
            PublicKey::Ed25519(key) => hex(key.as_bytes()),
            PublicKey::Sm2(key) => format!("{SM2_PREFIX}{}", hex(&key.to_sec1_bytes())),
        }
    }

    /// The algorithm it checks.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// Whether `signature` is the city's over `message` (Ed25519: strict
    /// verification).
    pub(crate) fn signed(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify_strict(message, &signature).is_ok()),
            PublicKey::Sm2(key) => sm2::dsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
        }
    }
}
