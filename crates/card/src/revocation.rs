//! 注销名单 — the list of cards no longer good, which the city signs and publishes:
//! each revoked permit with the day of revocation, and each permit whose card was
//! replaced by a later edition (renewed or changed). A verifier that holds a list
//! checks cards against it offline; the list says when it was made.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::permit::{Permit, PermitStatus};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::CardError;
use crate::key::Algorithm;
use crate::key::{CityKey, PublicKey};

/// One permit on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub number: String,
    /// The day it was revoked; `None` when it stands but earlier cards were replaced.
    pub revoked_on: Option<Date>,
    /// The edition of its current card: cards of an earlier edition are replaced.
    pub edition: i64,
}

/// The list as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationList {
    /// The city's division code.
    pub issuer: String,
    /// The day the list was made: cards revoked later are not on it.
    pub as_of: Date,
    pub permits: Vec<Revocation>,
}

/// The list as published: its JSON text and the city's signature over that text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedList {
    pub list: String,
    /// The algorithm of the signature (`ed25519` when absent, as lists were before
    /// SM2 was offered).
    #[serde(default)]
    pub algorithm: Algorithm,
    /// Unpadded URL-safe base64.
    pub signature: String,
}

impl RevocationList {
    /// The list of `permits` (every permit; those revoked or in a later edition are
    /// listed), made on `as_of`.
    pub fn of(issuer: &str, as_of: Date, permits: &[Permit]) -> RevocationList {
        let permits = permits
            .iter()
            .filter_map(|permit| {
                let revoked = permit.status == PermitStatus::Revoked;
                if !revoked && permit.edition <= 1 {
                    return None;
                }
                Some(Revocation {
                    number: permit.number.clone()?,
                    revoked_on: permit.revoked_on.filter(|_| revoked),
                    edition: permit.edition,
                })
            })
            .collect();
        RevocationList {
            issuer: issuer.to_string(),
            as_of,
            permits,
        }
    }

    /// The entry of `number`, if listed.
    pub fn find(&self, number: &str) -> Option<&Revocation> {
        self.permits.iter().find(|r| r.number == number)
    }
}

impl CityKey {
    /// The list, signed for publication.
    pub fn sign_list(&self, list: &RevocationList) -> SignedList {
        let text = serde_json::to_string(list).expect("a list serialises");
        let signature = URL_SAFE_NO_PAD.encode(self.signature(text.as_bytes()));
        SignedList {
            list: text,
            algorithm: self.algorithm(),
            signature,
        }
    }
}

impl SignedList {
    /// The list, once its signature is checked with the city's key.
    ///
    /// # Errors
    ///
    /// [`CardError::ListNotSigned`] when the signature does not verify;
    /// [`CardError::BadList`] when the signed text is not a list.
    pub fn open(&self, key: &PublicKey) -> Result<RevocationList, CardError> {
        let signature = URL_SAFE_NO_PAD
            .decode(&self.signature)
            .map_err(|_| CardError::ListNotSigned)?;
        if self.algorithm != key.algorithm() || !key.signed(self.list.as_bytes(), &signature) {
            return Err(CardError::ListNotSigned);
        }
        serde_json::from_str(&self.list).map_err(|error| CardError::BadList {
            reason: error.to_string(),
        })
    }
}
