//! How a [`Change`] is kept in the event log: its serde JSON, except that ID
//! numbers never appear in clear. A registration's `person.resident_id` and a
//! person correction's `correction.resident_id` are replaced by
//! `resident_id_cipher` (the vault's ciphertext, hex) on the way in, and restored on
//! the way out, so readers of the log get back the change as it was submitted.

use domain::event::{Change, Correction};
use serde_json::{Map, Value};

use crate::StoreError;
use crate::vault::{Vault, from_hex, to_hex};

const CLEAR: &str = "resident_id";
const HIDDEN: &str = "resident_id_cipher";

/// The object of a serialised change that holds an ID number, if it has one.
fn id_holder(change: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
    let key = match change.get("type").and_then(Value::as_str)? {
        "register" => "person",
        "correct" => "correction",
        _ => return None,
    };
    change.get_mut(key)?.as_object_mut()
}

fn damaged(why: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("reading an event's change: {why}"))
}

/// The change as JSON text for the `events.change` column.
///
/// Written as text rather than through a JSON tree because the demo city encodes
/// millions of events: serde_json writes the field as `"resident_id":"<id>"` with no
/// spaces, and inside string values every quote is escaped, so that exact text can
/// only be the field itself.
pub(crate) fn encode(change: &Change, vault: &Vault) -> String {
    let text = serde_json::to_string(change).expect("a change serialises to JSON");
    let id = match change {
        Change::Register { person, .. } => &person.resident_id,
        Change::Correct {
            correction: Correction::Person { resident_id, .. },
            ..
        } => resident_id,
        _ => return text,
    };
    let clear = format!("\"{CLEAR}\":\"{}\"", id.as_str());
    debug_assert!(text.contains(&clear), "{text}");
    let hidden = format!("\"{HIDDEN}\":\"{}\"", to_hex(&vault.encrypt(id)));
    text.replacen(&clear, &hidden, 1)
}

/// The change stored as `text`, with its ID number decrypted.
pub(crate) fn decode(text: &str, vault: &Vault) -> Result<Change, StoreError> {
    let mut value: Value = serde_json::from_str(text).map_err(damaged)?;
    if let Some(holder) = value.as_object_mut().and_then(id_holder) {
        reveal(holder, vault)?;
    }
    serde_json::from_value(value).map_err(damaged)
}

/// Puts the decrypted ID number back where the ciphertext is.
fn reveal(holder: &mut Map<String, Value>, vault: &Vault) -> Result<(), StoreError> {
    let Some(hidden) = holder.remove(HIDDEN) else {
        return Ok(());
    };
    let bytes = hidden
        .as_str()
        .and_then(from_hex)
        .ok_or_else(|| damaged("resident_id_cipher is not hex"))?;
    let id = vault.decrypt(&bytes)?;
    holder.insert(CLEAR.into(), Value::String(id.as_str().into()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use domain::event::ResidenceForm;
    use domain::registry::{Housing, NewPerson};
    use domain::resident_id::{ResidentId, Sex};
    use jiff::civil::date;

    use super::*;

    fn registration(resident_id: ResidentId, name: &str) -> Change {
        Change::Register {
            person: NewPerson {
                resident_id,
                name: name.into(),
            },
            on: date(2009, 5, 1),
            residence: ResidenceForm {
                housing: Housing::OwnHome,
                unit: "320211001001".parse().unwrap(),
                place: None,
            },
            facts: vec![],
        }
    }

    #[test]
    fn ids_are_hidden_and_restored() {
        let vault = Vault::from_key([3; 32]);
        let id = ResidentId::synthesize(420102, date(1988, 1, 2), 41, Sex::Female);
        let changes = [
            registration(id, "王芳"),
            Change::Correct {
                reason: "录入错误".into(),
                correction: Correction::Person {
                    person: 4,
                    name: "王芳".into(),
                    resident_id: id,
                },
            },
            Change::Leave {
                person: 4,
                on: date(2009, 6, 1),
            },
            // A name that imitates the field cannot move the ciphertext.
            registration(id, r#"x","resident_id":"1\"#),
        ];
        for change in changes {
            let text = encode(&change, &vault);
            assert!(!text.contains(id.as_str()), "{text}");
            assert_eq!(decode(&text, &vault).unwrap(), change);
        }
    }
}
