//! 口令 — password hashing with argon2id (the argon2 crate's default parameters:
//! 19 MiB, two passes, one lane), stored as PHC strings. The store keeps only the
//! hash; this module never logs or returns a password.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes `password` with a fresh random salt into a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters hashes any password")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`; false for a malformed `phc`.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash("正确的口令 correct horse");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("正确的口令 correct horse", &phc));
        assert!(!verify("wrong", &phc));
        assert!(!verify("anything", "not a phc string"));
    }

    #[test]
    fn salts_differ() {
        assert_ne!(hash("same"), hash("same"));
    }
}
