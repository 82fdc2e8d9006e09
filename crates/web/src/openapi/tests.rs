//! The document lists every route, every `$ref` in it points at a component, and its
//! schemas describe what the API really sends and reads: a sample of every answer
//! (every fact kind, record kind, change and source) fits the schema the document
//! gives it, and so does a sample of every request body, which the handlers' body
//! types also accept.

mod samples;

use std::collections::BTreeSet;

use domain::access::{Department, Role, User};
use domain::division::{DivisionCode, Hierarchy};
use domain::event::{Event, Source};
use domain::registry::*;
use domain::resident_id::ResidentId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use utoipa::PartialSchema;

use super::*;
use crate::extract::{from_json, parse_date};
use crate::routes::persons::{
    CorrectionRequest, DepartureRequest, EmployerRequest, EndFactRequest, FactBody, FamilyRequest,
    MoveRequest, RegisterRequest,
};
use crate::routes::records::RecordBody;
use crate::routes::session::LoginRequest;
use crate::routes::units::UnitView;
use crate::routes::values::ValueBody;
use samples::*;

/// The document as JSON, and a checker of values against its schemas.
struct Document(Value);

impl Document {
    fn new() -> Document {
        Document(document_json())
    }

    fn components(&self) -> &serde_json::Map<String, Value> {
        self.0["components"]["schemas"].as_object().unwrap()
    }

    /// `schema` with its `$ref`s followed.
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        while let Some(reference) = schema["$ref"].as_str() {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("a $ref outside the components: {reference}"));
            schema = self
                .components()
                .get(name)
                .unwrap_or_else(|| panic!("no component {name}"));
        }
        schema
    }

    /// The properties `schema` declares, through references, `allOf`, `oneOf` and
    /// `anyOf`.
    fn declared(&self, schema: &Value) -> BTreeSet<String> {
        let schema = self.resolve(schema);
        let mut names: BTreeSet<String> = schema["properties"]
            .as_object()
            .map(|properties| properties.keys().cloned().collect())
            .unwrap_or_default();
        for key in ["allOf", "oneOf", "anyOf"] {
            for part in schema[key].as_array().into_iter().flatten() {
                names.extend(self.declared(part));
            }
        }
        names
    }

    /// Whether `value` fits `schema`. `closed`: an object may hold only the
    /// properties the schema declares (so that nothing the API sends is left out
    /// of the document).
    fn check(&self, schema: &Value, value: &Value, at: &str, closed: bool) -> Result<(), String> {
        let schema = self.resolve(schema);
        if let Some(parts) = schema["allOf"].as_array() {
            for part in parts {
                self.check(part, value, at, false)?;
            }
        }
        if let Some(parts) = schema["oneOf"].as_array() {
            let failures: Vec<String> = parts
                .iter()
                .filter_map(|part| self.check(part, value, at, false).err())
                .collect();
            if parts.len() - failures.len() != 1 {
                return Err(format!(
                    "{at}: expected exactly one of {} schemas to fit {value}, but {} did ({})",
                    parts.len(),
                    parts.len() - failures.len(),
                    failures.join("; ")
                ));
            }
        }
        if let Some(parts) = schema["anyOf"].as_array() {
            let failures: Vec<String> = parts
                .iter()
                .filter_map(|part| self.check(part, value, at, false).err())
                .collect();
            if failures.len() == parts.len() {
                return Err(failures.join("; "));
            }
        }
        let allowed = schema["enum"].as_array();
        if let Some(allowed) = allowed.filter(|allowed| !allowed.contains(value)) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
        let types: Vec<&str> = match &schema["type"] {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let found = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let type_fits = types.contains(&found) || (found == "integer" && types.contains(&"number"));
        if !types.is_empty() && !type_fits {
            return Err(format!("{at}: expected {types:?}, but found {value}"));
        }
        if let Value::String(text) = value {
            if schema["format"] == "date" && parse_date(text).is_err() {
                return Err(format!("{at}: {text:?} is not a date"));
            }
            if schema["format"] == "date-time" && text.parse::<jiff::Timestamp>().is_err() {
                return Err(format!("{at}: {text:?} is not a date-time"));
            }
            let length = text.chars().count() as u64;
            if schema["minLength"].as_u64().is_some_and(|min| length < min)
                || schema["maxLength"].as_u64().is_some_and(|max| length > max)
            {
                return Err(format!("{at}: {text:?} has the wrong length"));
            }
        }
        if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
            for (index, element) in items.iter().enumerate() {
                self.check(item, element, &format!("{at}[{index}]"), true)?;
            }
        }
        if let Value::Object(object) = value {
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                if !object.contains_key(name) {
                    return Err(format!("{at}: required {name} is missing from {value}"));
                }
            }
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    if let Some(inner) = object.get(name) {
                        self.check(property, inner, &format!("{at}.{name}"), true)?;
                    }
                }
            }
            if closed {
                let declared = self.declared(schema);
                if let Some(extra) = object.keys().find(|key| !declared.contains(*key)) {
                    return Err(format!("{at}: {extra} is not in the schema"));
                }
            }
        }
        Ok(())
    }

    /// Panics unless `value` fits component `name`.
    fn fits(&self, name: &str, value: &Value) {
        assert!(self.components().contains_key(name), "no component {name}");
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        if let Err(error) = self.check(&schema, value, name, true) {
            panic!("the schema {name} does not describe {value}:\n{error}");
        }
    }

    /// Panics unless what the API sends as `answer` fits component `name`.
    fn describes(&self, name: &str, answer: &impl Serialize) {
        self.fits(name, &serde_json::to_value(answer).unwrap());
    }

    /// Panics unless `body` fits component `name` and the handler's type `T` reads it.
    fn reads<T: DeserializeOwned>(&self, name: &str, body: Value) {
        self.fits(name, &body);
        if let Err(error) = from_json::<T>(body.to_string().as_bytes()) {
            panic!("{name} does not read {body}: {error}");
        }
    }
}

/// Every `$ref` anywhere in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                found.push(reference.clone());
            }
            object.values().for_each(|inner| references(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|inner| references(inner, found)),
        _ => {}
    }
}

#[test]
fn the_document_is_openapi_3_1_and_lists_every_route() {
    let document = document_json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let routes = [
        ("/healthz", "get"),
        ("/api/openapi.json", "get"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/persons", "post"),
        ("/api/v1/persons", "get"),
        ("/api/v1/persons/{id}", "get"),
        ("/api/v1/persons/{id}/facts", "get"),
        ("/api/v1/persons/{id}/facts", "post"),
        ("/api/v1/persons/{id}/facts/{fact}/end", "post"),
        ("/api/v1/persons/{id}/moves", "post"),
        ("/api/v1/persons/{id}/employers", "post"),
        ("/api/v1/persons/{id}/departure", "post"),
        ("/api/v1/persons/{id}/corrections", "post"),
        ("/api/v1/persons/{id}/family", "post"),
        ("/api/v1/persons/{id}/timeline", "get"),
        ("/api/v1/persons/{id}/views", "get"),
        ("/api/v1/records", "get"),
        ("/api/v1/records", "post"),
        ("/api/v1/records/{id}", "get"),
        ("/api/v1/records/{id}", "put"),
        ("/api/v1/units/{code}", "get"),
        ("/api/v1/values", "post"),
        ("/api/v1/imports", "get"),
        ("/api/v1/imports", "post"),
        ("/api/v1/imports/{id}", "get"),
        ("/api/v1/imports/{id}/errors", "get"),
        ("/api/v1/imports/runs/{seq}", "get"),
        ("/api/v1/imports/runs/{seq}/errors", "get"),
        ("/api/v1/templates/{kind}", "get"),
        ("/api/v1/exports/indicators", "get"),
        ("/api/v1/exports/persons", "get"),
        ("/api/v1/persons/{id}/eligibility", "get"),
        ("/api/v1/new-citizens", "get"),
        ("/api/v1/persons/{id}/entitlements", "get"),
        ("/api/v1/persons/{id}/permits", "get"),
        ("/api/v1/persons/{id}/permits", "post"),
        ("/api/v1/permits/{id}/review", "post"),
        ("/api/v1/permits/{id}/issue", "post"),
        ("/api/v1/permits/{id}/renew", "post"),
        ("/api/v1/permits/{id}/change", "post"),
        ("/api/v1/permits/{id}/revoke", "post"),
        ("/api/v1/permits/{id}/card", "get"),
        ("/api/v1/permits/{id}/card.pdf", "get"),
        ("/api/v1/card/public-key", "get"),
        ("/api/v1/card/revocations", "get"),
        ("/verify", "get"),
        ("/api/v1/indicators", "get"),
        ("/api/v1/indicators/series", "get"),
    ];
    for (path, method) in routes {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    let documented: usize = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routes.len(),
        "a documented route is missing from this list"
    );
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn operations_have_their_own_ids_and_every_link_opens_one_with_its_parameter() {
    let document = document_json();
    let operations: Vec<&Value> = document["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .collect();
    let ids: Vec<&str> = operations
        .iter()
        .map(|operation| operation["operationId"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    let mut links = 0;
    for operation in &operations {
        for response in operation["responses"].as_object().unwrap().values() {
            let Some(found) = response["links"].as_object() else {
                continue;
            };
            for link in found.values() {
                let to = link["operationId"].as_str().unwrap();
                let target = operations
                    .iter()
                    .find(|operation| operation["operationId"] == to)
                    .unwrap_or_else(|| panic!("no operation {to}"));
                for parameter in link["parameters"].as_object().unwrap().keys() {
                    assert!(
                        target["parameters"]
                            .as_array()
                            .is_some_and(|all| all.iter().any(|p| p["name"] == *parameter)),
                        "{to} takes no parameter {parameter}"
                    );
                }
                links += 1;
            }
        }
    }
    let listed: usize = LINKS.iter().map(|(.., links)| links.len()).sum();
    assert_eq!(links, listed);
}

#[test]
fn every_reference_points_at_a_component() {
    let document = Document::new();
    let mut found = Vec::new();
    references(&document.0, &mut found);
    assert!(found.len() > 50, "only {} references", found.len());
    for reference in &found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a $ref outside the components: {reference}"));
        assert!(
            document.components().contains_key(name),
            "{reference} points at no component"
        );
    }
    for name in [
        "ErrorBody",
        "RegisterRequest",
        "Receipt",
        "PersonFile",
        "Person",
        "Fact",
        "FactKind",
        "Record",
        "RecordDetail",
        "Event",
        "Change",
        "User",
        "Unit",
        "ResidentId",
        "DivisionCode",
    ] {
        assert!(
            document.components().contains_key(name),
            "schema {name} is missing"
        );
    }
    // A type alias such as `PersonId`, or a jiff date, must be described inline as
    // what it is, not as a reference to a component named after `i64` or `String`.
    let primitive = |name: &str| {
        name.starts_with(|c: char| c.is_ascii_lowercase())
            || ["String", "Timestamp", "Zoned", "Value"].contains(&name)
    };
    for name in document.components().keys() {
        assert!(!primitive(name), "component {name} is a primitive type");
    }
}

#[test]
fn the_hand_written_schemas_give_valid_examples() {
    let example = |schema: utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>| {
        let schema = serde_json::to_value(schema).unwrap();
        schema["examples"][0].as_str().unwrap().to_owned()
    };
    let id = example(ResidentId::schema());
    assert!(ResidentId::parse(&id).is_ok(), "{id}");
    let code = example(DivisionCode::schema());
    assert!(code.parse::<DivisionCode>().is_ok(), "{code}");
}

#[test]
fn the_schemas_describe_every_answer() {
    let document = Document::new();
    let user = User {
        id: 1,
        login: "u".into(),
        name: "U".into(),
        role: Role::DepartmentManager,
        unit: village(),
        department: Some(Department::Health),
    };
    document.describes("User", &user);
    document.describes(
        "User",
        &User {
            department: None,
            ..user
        },
    );
    document.describes("Person", &person());
    document.describes(
        "Person",
        &Person {
            left_on: None,
            ..person()
        },
    );
    let facts: Vec<Fact> = all_fact_kinds()
        .into_iter()
        .enumerate()
        .map(|(index, kind)| Fact {
            id: index as i64 + 1,
            person: 1,
            kind,
            from: day(2010, 1, 1),
            to: (index % 2 == 0).then(|| day(2012, 1, 1)),
        })
        .collect();
    for fact in &facts {
        document.describes("Fact", fact);
        document.describes("FactKind", &fact.kind);
    }
    for detail in all_record_details() {
        document.describes(
            "Record",
            &Record {
                id: 1,
                name: "甲".into(),
                unit: village(),
                from: day(2000, 1, 1),
                to: Some(day(2001, 1, 1)),
                detail,
            },
        );
    }
    document.describes(
        "PersonFile",
        &store::PersonFile {
            person: person(),
            facts,
            family: vec![FamilyLink {
                person: 1,
                relative: 2,
                relation: Relation::Parent,
            }],
            relatives: vec![summary()],
        },
    );
    document.describes(
        "Receipt",
        &store::Receipt {
            seq: 1,
            person: Some(1),
            facts: vec![2],
            record: None,
            permit: Some(3),
            changed: store::Changed::default(),
        },
    );
    document.describes("PersonSummary", &summary());
    document.describes(
        "Permit",
        &domain::permit::Permit {
            id: 3,
            person: 1,
            unit: village(),
            status: domain::permit::PermitStatus::Issued,
            applied_on: day(2025, 6, 1),
            number: Some("3202112025000003".into()),
            valid_from: Some(day(2025, 6, 10)),
            valid_to: Some(day(2026, 6, 9)),
            edition: 1,
            revoked_on: None,
        },
    );
    document.describes(
        "ViewEntry",
        &store::ViewEntry {
            viewer: 1,
            viewer_login: "u".into(),
            at: jiff::Timestamp::UNIX_EPOCH,
            what: "file".into(),
        },
    );
    let sources = [
        Source::Station,
        Source::Import {
            file: "a.csv".into(),
            sha256: "00".into(),
            row: 3,
        },
        Source::Cli,
        Source::Demo,
    ];
    for (index, change) in all_changes().into_iter().enumerate() {
        let event = Event {
            seq: 1,
            at: jiff::Timestamp::UNIX_EPOCH,
            actor: 1,
            unit: village(),
            person: (index % 2 == 0).then_some(1),
            source: sources[index % sources.len()].clone(),
            change,
        };
        document.describes("Event", &event);
    }
    let city = Hierarchy::wuxi();
    let merged: DivisionCode = "320202".parse().unwrap();
    let unit = city.unit(merged).unwrap();
    document.describes("Unit", unit);
    document.describes(
        "UnitView",
        &UnitView {
            unit: unit.clone(),
            on: day(2014, 1, 1),
            valid: true,
            path: city.path(merged).into_iter().cloned().collect(),
            children: city.children(merged, day(2014, 1, 1)).cloned().collect(),
        },
    );
    let error = crate::error::ApiError::new(Code::InvalidField, Some("on"), "甲", "a");
    document.describes("ErrorBody", &error.body());
    // A recorded run, and one still unfinished, which has no event yet.
    for seq in [Some(7), None] {
        document.describes(
            "ImportRecord",
            &store::ImportRecord {
                seq,
                actor: 1,
                sender: "公安".into(),
                at: jiff::Timestamp::UNIX_EPOCH,
                summary: domain::event::ImportSummary {
                    department: Department::PublicSecurity,
                    file: "a.csv".into(),
                    sha256: "00".into(),
                    rows: 3,
                    added: 2,
                    already: 0,
                    refused: 1,
                    committed: true,
                    dry_run: false,
                    valid_rows_only: true,
                    ended: 0,
                    corrected: 0,
                    moved: 0,
                },
            },
        );
    }
}

#[test]
fn the_schemas_describe_every_request_body() {
    let document = Document::new();
    let id = resident_id().to_string();
    let residence = json!({"housing": "rented_house", "unit": "320211001003", "place": 3});
    let facts: Vec<Value> = all_fact_kinds()
        .iter()
        .map(|kind| json!({"fact": kind, "from": "2023-03-01", "to": null}))
        .collect();
    document.reads::<RegisterRequest>(
        "RegisterRequest",
        json!({"resident_id": id, "name": "张三", "on": "2023-03-01",
            "residence": residence, "facts": facts}),
    );
    document.reads::<RegisterRequest>(
        "RegisterRequest",
        json!({"resident_id": id, "name": "张三", "on": "2023-03-01",
            "residence": {"housing": "own_home", "unit": "320211001003"}}),
    );
    for fact in facts {
        document.reads::<FactBody>("FactBody", fact);
    }
    document.reads::<MoveRequest>(
        "MoveRequest",
        json!({"on": "2023-06-01", "residence": residence}),
    );
    document.reads::<EmployerRequest>(
        "EmployerRequest",
        json!({"on": "2023-06-01", "employer": 4, "monthly_wage_fen": 500000}),
    );
    document.reads::<EndFactRequest>("EndFactRequest", json!({"last_day": "2023-06-01"}));
    document.reads::<DepartureRequest>("DepartureRequest", json!({"on": "2023-06-01"}));
    document.reads::<FamilyRequest>(
        "FamilyRequest",
        json!({"relative": 2, "relation": "spouse"}),
    );
    for correction in [
        json!({"target": "fact", "fact": 2, "kind": {"kind": "married"}, "from": "2023-03-01"}),
        json!({"target": "void_fact", "fact": 2}),
        json!({"target": "person", "name": "李四", "resident_id": id}),
    ] {
        document.reads::<CorrectionRequest>(
            "CorrectionRequest",
            json!({"reason": "录入错误", "correction": correction}),
        );
    }
    for detail in all_record_details() {
        document.reads::<RecordBody>(
            "RecordBody",
            json!({"name": "甲", "unit": "320211001003", "from": "2000-01-01",
                "to": "2001-01-01", "detail": detail}),
        );
    }
    document.reads::<LoginRequest>("LoginRequest", json!({"login": "u", "password": "p"}));
    document.reads::<ValueBody>(
        "ValueBody",
        json!({"unit": "320211001003", "name": "estimated_migrants", "from": "2025-01-01",
            "to": "2025-12-31", "value": 1200}),
    );
}

#[test]
fn the_checker_refuses_what_does_not_fit() {
    let document = Document::new();
    let fits = |name: &str, value: Value| {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        document.check(&schema, &value, name, true).is_ok()
    };
    let mut fact = serde_json::to_value(Fact {
        id: 1,
        person: 1,
        kind: FactKind::Married,
        from: day(2010, 1, 1),
        to: None,
    })
    .unwrap();
    assert!(fits("Fact", fact.clone()));
    fact["kind"] = json!("astronaut");
    assert!(!fits("Fact", fact.clone()), "an unknown kind");
    fact["kind"] = json!("married");
    fact["extra"] = json!(1);
    assert!(!fits("Fact", fact), "an undeclared property");
    let mut person = serde_json::to_value(person()).unwrap();
    person.as_object_mut().unwrap().remove("resident_id");
    assert!(!fits("Person", person), "a missing property");
    assert!(
        !fits("Receipt", json!({"seq": "1", "facts": []})),
        "a wrong type"
    );
}
