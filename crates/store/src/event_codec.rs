//! How an event's [`Change`] and [`Source`] are kept in the log.
//!
//! The change is its serde JSON, except that ID numbers never appear in clear. A
//! registration's `person.resident_id` and a person correction's
//! `correction.resident_id` are replaced by `resident_id_cipher` (the vault's
//! ciphertext, hex) on the way in, and restored on the way out, so readers of the
//! log get back the change as it was submitted.
//!
//! The source is its channel (`events.channel`: `station`, `import`, `cli`,
//! `demo`, serde's tag) and, for an import, the row as a JSON object
//! (`events.source_detail`) and the file by its number in `import_files`
//! (`events.import_file`); a station, the command line and the demo need no
//! JSON at all.

use domain::event::{Change, Correction, Source};
use domain::resident_id::ResidentId;
use serde_json::{Map, Value};

use crate::StoreError;
use crate::vault::{CIPHER_LEN, Vault, from_hex, push_hex};

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

/// The change as JSON text for the `events.change` column; `encrypt` gives the
/// ciphertext of its ID number, if it holds one.
///
/// Written as text rather than through a JSON tree because an import or the demo
/// city encodes millions of events: serde_json writes the field as
/// `"resident_id":"<id>"` with no spaces, and inside string values every quote is
/// escaped, so that text can only be the field itself.
pub(crate) fn encode(
    change: &Change,
    encrypt: impl FnOnce(&ResidentId) -> [u8; CIPHER_LEN],
) -> String {
    // `"resident_id":"`, as serde_json writes the key of `CLEAR`.
    const FIELD: &str = "\"resident_id\":\"";
    let text = serde_json::to_string(change).expect("a change serialises to JSON");
    let id = match change {
        Change::Register { person, .. } => &person.resident_id,
        Change::Correct {
            correction: Correction::Person { resident_id, .. },
            ..
        } => resident_id,
        _ => return text,
    };
    let start = text
        .find(FIELD)
        .expect("a change with an ID number has the field");
    let end = start + FIELD.len() + id.as_str().len() + 1;
    debug_assert_eq!(text[start..end], format!("{FIELD}{}\"", id.as_str()));
    let mut hidden = String::with_capacity(text.len() + HIDDEN.len() + 2 * CIPHER_LEN);
    hidden.push_str(&text[..start]);
    hidden.push('"');
    hidden.push_str(HIDDEN);
    hidden.push_str("\":\"");
    push_hex(&mut hidden, &encrypt(id));
    hidden.push('"');
    hidden.push_str(&text[end..]);
    hidden
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

/// The name of a source's channel, as serde tags it.
fn channel(source: &Source) -> &'static str {
    match source {
        Source::Station => "station",
        Source::Import { .. } => "import",
        Source::Cli => "cli",
        Source::Demo => "demo",
    }
}

/// The source as `events.channel` and `events.source_detail`. An import's file
/// name and SHA-256 are kept once per file, in `import_files` (see
/// [`crate::journal::ImportFiles`]), so its detail is the row number alone.
pub(crate) fn source_columns(source: &Source) -> (&'static str, Option<String>) {
    let detail = match source {
        Source::Station | Source::Cli | Source::Demo => None,
        // Written directly rather than through a JSON tree: an import writes
        // one per row.
        Source::Import { row, .. } => Some(format!("{{\"row\":{row}}}")),
    };
    (channel(source), detail)
}

/// The source kept as `channel` and `detail`, with the name and SHA-256 of
/// the file an import's row came from (`file`, from `import_files`); an import
/// logged before that table existed has them in `detail` instead. The inverse
/// of [`source_columns`].
pub(crate) fn source_from(
    channel: String,
    detail: Option<&str>,
    file: Option<(String, String)>,
) -> Result<Source, StoreError> {
    let damaged = |why: String| StoreError::Database(format!("reading an event's source: {why}"));
    match (channel.as_str(), detail) {
        ("station", None) => return Ok(Source::Station),
        ("cli", None) => return Ok(Source::Cli),
        ("demo", None) => return Ok(Source::Demo),
        _ => {}
    }
    let mut fields = match detail {
        Some(text) => serde_json::from_str::<Map<String, Value>>(text)
            .map_err(|e| damaged(format!("source_detail: {e}")))?,
        None => Map::new(),
    };
    if let Some((name, sha256)) = file {
        fields.insert("file".into(), Value::String(name));
        fields.insert("sha256".into(), Value::String(sha256));
    }
    fields.insert("channel".into(), Value::String(channel));
    serde_json::from_value(Value::Object(fields)).map_err(|e| damaged(e.to_string()))
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
            let text = encode(&change, |id| vault.encrypt(id));
            assert!(!text.contains(id.as_str()), "{text}");
            assert_eq!(decode(&text, &vault).unwrap(), change);
        }
    }

    #[test]
    fn sources_are_a_channel_and_what_else_they_say() {
        let sources = [
            Source::Station,
            Source::Cli,
            Source::Demo,
            Source::Import {
                file: "社保.csv".into(),
                sha256: "ab".repeat(32),
                row: 17,
            },
        ];
        for source in sources {
            let (name, detail) = source_columns(&source);
            let json = serde_json::to_value(&source).unwrap();
            assert_eq!(json["channel"], name);
            assert_eq!(detail.is_some(), json.as_object().unwrap().len() > 1);
            let file = match &source {
                Source::Import { file, sha256, .. } => Some((file.clone(), sha256.clone())),
                _ => None,
            };
            assert_eq!(
                source_from(name.into(), detail.as_deref(), file).unwrap(),
                source
            );
        }
        assert!(source_from("fax".into(), None, None).is_err());
    }

    #[test]
    fn an_import_row_names_its_file_once_per_file() {
        let source = Source::Import {
            file: "社保.csv".into(),
            sha256: "ab".repeat(32),
            row: 17,
        };
        assert_eq!(source_columns(&source).1.as_deref(), Some(r#"{"row":17}"#));
        // As logged before `import_files`: the file in the detail.
        let before = format!(
            r#"{{"file":"社保.csv","row":17,"sha256":"{}"}}"#,
            "ab".repeat(32)
        );
        assert_eq!(
            source_from("import".into(), Some(&before), None).unwrap(),
            source
        );
        // Without its file, a row number is not a source.
        assert!(source_from("import".into(), Some(r#"{"row":17}"#), None).is_err());
    }
}
