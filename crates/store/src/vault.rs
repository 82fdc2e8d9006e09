//! 密钥保管 — national ID numbers encrypted at rest and found through a keyed hash
//! (blind index). The key comes from a file or the environment, never the database.
//!
//! One 32-byte master key yields two subkeys (HMAC-SHA256 of distinct labels): one
//! encrypts ID numbers with XChaCha20-Poly1305 under a random nonce, the other keys
//! the blind index, a truncated HMAC-SHA256 of the ID that lets the store find a
//! person by ID number without decrypting every row. The first also encrypts
//! what else may quote an ID number (an import's report of its bad rows).

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Key, Tag, XChaCha20Poly1305, XNonce};
use domain::resident_id::ResidentId;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::StoreError;

/// The environment variable that may hold the key, as 64 hex characters.
pub const KEY_VARIABLE: &str = "ANJU_KEY";

/// The first byte of every ciphertext: the format (and key generation) it was made with.
const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const ID_LEN: usize = 18;
/// Length of one encrypted ID number: format byte, nonce, ciphertext and tag.
pub const CIPHER_LEN: usize = 1 + NONCE_LEN + ID_LEN + TAG_LEN;

/// Why a key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// Neither the environment variable nor a key file gave a key.
    #[error("no key for ID numbers: set {KEY_VARIABLE} to 64 hex characters{}", .0.as_ref().map(|p| format!(" or create the key file {}", p.display())).unwrap_or_default())]
    Missing(Option<PathBuf>),
    /// The key was there but not 64 hex characters.
    #[error(
        "the key in {source_name} is malformed: expected 64 hex characters (32 bytes), {found}"
    )]
    Malformed {
        /// The variable or file the key came from.
        source_name: String,
        /// What was found instead, e.g. `but found 12 characters`.
        found: String,
    },
    /// Reading or writing the key file failed.
    #[error("key file {path}: {error}")]
    File {
        /// The key file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
}

/// The key material for ID numbers.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
    index: Hmac<Sha256>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

fn subkey(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl Vault {
    /// A vault of this master key.
    pub fn from_key(key: [u8; 32]) -> Vault {
        let encryption = subkey(&key, b"anju/v1/id-encryption");
        let index = subkey(&key, b"anju/v1/id-blind-index");
        Vault {
            cipher: XChaCha20Poly1305::new(Key::from_slice(&encryption)),
            index: <Hmac<Sha256> as Mac>::new_from_slice(&index)
                .expect("HMAC takes any key length"),
        }
    }

    /// The key from `ANJU_KEY` (64 hex characters) or else from the key file at
    /// `path` (the same hex, surrounding whitespace ignored).
    pub fn from_env_or_file(path: Option<&Path>) -> Result<Vault, VaultError> {
        if let Ok(text) = std::env::var(KEY_VARIABLE) {
            return parse_key(&text, KEY_VARIABLE).map(Vault::from_key);
        }
        let Some(path) = path else {
            return Err(VaultError::Missing(None));
        };
        match std::fs::read_to_string(path) {
            Ok(text) => parse_key(&text, &path.display().to_string()).map(Vault::from_key),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(VaultError::Missing(Some(path.into())))
            }
            Err(error) => Err(VaultError::File {
                path: path.into(),
                error,
            }),
        }
    }

    /// Creates a key file at `path` holding a new random key (hex, mode 0600) and
    /// returns its vault. Refuses to overwrite an existing file.
    pub fn generate_file(path: &Path) -> Result<Vault, VaultError> {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file_error = |error| VaultError::File {
            path: path.into(),
            error,
        };
        let mut file = options.open(path).map_err(file_error)?;
        writeln!(file, "{}", to_hex(&key)).map_err(file_error)?;
        file.sync_all().map_err(file_error)?;
        Ok(Vault::from_key(key))
    }

    /// The ID number encrypted under a fresh random nonce.
    pub fn encrypt(&self, id: &ResidentId) -> [u8; CIPHER_LEN] {
        let mut out = [0u8; CIPHER_LEN];
        out[0] = FORMAT;
        let (nonce, rest) = out[1..].split_at_mut(NONCE_LEN);
        rand::thread_rng().fill_bytes(nonce);
        let (text, tag) = rest.split_at_mut(ID_LEN);
        text.copy_from_slice(id.as_str().as_bytes());
        let made = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(nonce), &[], text)
            .expect("an 18-byte message is within the cipher's limits");
        tag.copy_from_slice(&made);
        out
    }

    /// The ID number in `cipher`; fails on a wrong key or damaged data.
    pub fn decrypt(&self, cipher: &[u8]) -> Result<ResidentId, StoreError> {
        let damaged = |why: &str| StoreError::Database(format!("decrypting an ID number: {why}"));
        if cipher.len() != CIPHER_LEN {
            return Err(damaged("unknown format or length"));
        }
        let plain = self.open(cipher).map_err(damaged)?;
        let text = std::str::from_utf8(&plain).map_err(|_| damaged("not text"))?;
        ResidentId::parse(text).map_err(|_| damaged("not a valid ID number"))
    }

    /// Any text encrypted under a fresh random nonce (format byte, nonce,
    /// ciphertext, tag): what else the store keeps that may quote an ID number.
    pub(crate) fn encrypt_bytes(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::thread_rng().fill_bytes(&mut nonce);
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plain.len() + TAG_LEN);
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        let start = out.len();
        out.extend_from_slice(plain);
        let tag = self
            .cipher
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), &[], &mut out[start..])
            .expect("a message of less than 256 GiB is within the cipher's limits");
        out.extend_from_slice(&tag);
        out
    }

    /// The text in `sealed` (from [`Vault::encrypt_bytes`]); fails on a wrong
    /// key or damaged data, naming `what` it was.
    pub(crate) fn decrypt_bytes(&self, sealed: &[u8], what: &str) -> Result<Vec<u8>, StoreError> {
        self.open(sealed)
            .map_err(|why| StoreError::Database(format!("decrypting {what}: {why}")))
    }

    /// The plain text of `sealed` (format byte, nonce, ciphertext, tag), or
    /// why it cannot be had.
    fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, &'static str> {
        if sealed.len() < 1 + NONCE_LEN + TAG_LEN || sealed[0] != FORMAT {
            return Err("unknown format or length");
        }
        let (nonce, rest) = sealed[1..].split_at(NONCE_LEN);
        let (text, tag) = rest.split_at(rest.len() - TAG_LEN);
        let mut plain = text.to_vec();
        self.cipher
            .decrypt_in_place_detached(
                XNonce::from_slice(nonce),
                &[],
                &mut plain,
                Tag::from_slice(tag),
            )
            .map_err(|_| "wrong key or damaged data")?;
        Ok(plain)
    }

    /// The blind index of an ID number: equal IDs give equal indexes, and without the
    /// key the index tells nothing about the ID.
    pub fn blind_index(&self, id: &ResidentId) -> BlindIndex {
        let mut mac = self.index.clone();
        mac.update(id.as_str().as_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&full[..16]);
        out
    }

    /// The ID number as a person's row keeps it: encrypted, and its blind index.
    pub(crate) fn seal(&self, id: &ResidentId) -> SealedId {
        SealedId {
            cipher: self.encrypt(id),
            index: self.blind_index(id),
        }
    }
}

/// The blind index of an ID number (see [`Vault::blind_index`]).
pub type BlindIndex = [u8; 16];

/// 密封的身份证号 — an ID number as a person's row keeps it (see [`Vault::seal`]).
pub(crate) struct SealedId {
    /// The ciphertext ([`Vault::encrypt`]).
    pub cipher: [u8; CIPHER_LEN],
    /// The blind index ([`Vault::blind_index`]).
    pub index: BlindIndex,
}

fn parse_key(text: &str, source_name: &str) -> Result<[u8; 32], VaultError> {
    let text = text.trim();
    let malformed = |found: String| VaultError::Malformed {
        source_name: source_name.into(),
        found,
    };
    if text.len() != 64 {
        return Err(malformed(format!(
            "but found {} characters",
            text.chars().count()
        )));
    }
    let bytes =
        from_hex(text).ok_or_else(|| malformed("but found a character that is not hex".into()))?;
    Ok(bytes.try_into().expect("64 hex characters are 32 bytes"))
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// Appends `bytes` to `out` as lower-case hex.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.extend(
        bytes
            .iter()
            .flat_map(|byte| {
                [
                    DIGITS[usize::from(byte >> 4)],
                    DIGITS[usize::from(byte & 15)],
                ]
            })
            .map(char::from),
    );
}

/// The bytes of an even-length hex string; `None` when it is not one.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    pairs
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> ResidentId {
        ResidentId::synthesize(
            340102,
            jiff::civil::date(1990, 3, 7),
            123,
            domain::resident_id::Sex::Male,
        )
    }

    #[test]
    fn round_trips_and_hides_the_number() {
        let vault = Vault::from_key([7; 32]);
        let cipher = vault.encrypt(&id());
        assert_eq!(cipher.len(), CIPHER_LEN);
        assert!(!cipher.windows(18).any(|w| w == id().as_str().as_bytes()));
        assert_ne!(cipher, vault.encrypt(&id()), "a fresh nonce each time");
        assert_eq!(vault.decrypt(&cipher).unwrap(), id());
        assert!(Vault::from_key([8; 32]).decrypt(&cipher).is_err());
    }

    #[test]
    fn any_text_round_trips_and_a_wrong_key_is_refused() {
        let vault = Vault::from_key([7; 32]);
        let text = "第 3 行：身份证号 校验码错误".as_bytes();
        let sealed = vault.encrypt_bytes(text);
        assert!(!sealed.windows(text.len()).any(|w| w == text));
        assert_ne!(sealed, vault.encrypt_bytes(text), "a fresh nonce each time");
        assert_eq!(vault.decrypt_bytes(&sealed, "a report").unwrap(), text);
        assert_eq!(
            vault.decrypt_bytes(&vault.encrypt_bytes(b""), "x").unwrap(),
            b""
        );
        let error = Vault::from_key([8; 32])
            .decrypt_bytes(&sealed, "a report")
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "database: decrypting a report: wrong key or damaged data"
        );
    }

    #[test]
    fn blind_index_is_keyed_and_stable() {
        let vault = Vault::from_key([7; 32]);
        assert_eq!(vault.blind_index(&id()), vault.blind_index(&id()));
        assert_ne!(
            vault.blind_index(&id()),
            Vault::from_key([9; 32]).blind_index(&id())
        );
    }

    #[test]
    fn key_files_are_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anju.key");
        let made = Vault::generate_file(&path).unwrap();
        assert!(Vault::generate_file(&path).is_err(), "refuses to overwrite");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let read = parse_key(&std::fs::read_to_string(&path).unwrap(), "file")
            .map(Vault::from_key)
            .unwrap();
        assert_eq!(made.blind_index(&id()), read.blind_index(&id()));
    }

    #[test]
    fn malformed_keys_are_named() {
        let error = parse_key("abc", "ANJU_KEY").unwrap_err().to_string();
        assert!(
            error.contains("ANJU_KEY") && error.contains("64 hex"),
            "{error}"
        );
        let missing = VaultError::Missing(Some("/etc/anju.key".into())).to_string();
        assert!(
            missing.contains("ANJU_KEY") && missing.contains("/etc/anju.key"),
            "{missing}"
        );
        assert_eq!(from_hex(&to_hex(&[0, 255, 16])), Some(vec![0, 255, 16]));
    }
}
