//! 接口文档 — the OpenAPI 3.1 document of the API, derived from the handlers'
//! annotations and served at `/api/openapi.json`; and the error answers every
//! route shares. Documentation only: nothing here handles a request's data.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::{Code, ErrorBody, ErrorDetail};
use crate::routes;

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Anju 安居 — migrant-resident registry API",
        description = "JSON API of Anju. Every /api/v1 call except login needs \
            `Authorization: Bearer TOKEN` from `POST /api/v1/session`, and acts only inside the \
            caller's unit's subtree. Errors always have the body \
            `{\"error\":{\"code\",\"field\",\"zh\",\"en\"}}`."
    ),
    paths(
        routes::healthz,
        document,
        routes::session::login,
        routes::session::logout,
        routes::session::me,
        routes::persons::register,
        routes::persons::search,
        routes::persons::file,
        routes::persons::facts_on,
        routes::persons::add_fact,
        routes::persons::end_fact,
        routes::persons::move_residence,
        routes::persons::change_employer,
        routes::persons::depart,
        routes::persons::correct,
        routes::persons::link_family,
        routes::persons::timeline,
        routes::persons::views,
        routes::records::list,
        routes::records::get,
        routes::records::create,
        routes::records::replace,
        routes::units::get,
        routes::values::report,
        routes::imports::start,
        routes::import_runs::list,
        routes::imports::status,
        routes::imports::errors,
        routes::import_runs::run_report,
        routes::import_runs::run_errors,
        routes::imports::template_file,
        routes::exports::indicators,
        routes::exports::persons,
        routes::permits::eligibility,
        routes::permits::new_citizens,
        routes::permits::entitlements,
        routes::permit_steps::apply,
        routes::permit_steps::list,
        routes::permit_steps::review,
        routes::permit_steps::issue,
        routes::permit_steps::renew,
        routes::permit_steps::change,
        routes::permit_steps::revoke,
        routes::permit_card::card_page,
        routes::permit_card::card_pdf,
        routes::permit_card::public_key,
        routes::permit_card::revocations,
        routes::permit_card::verify_page,
        crate::indicators::get,
        crate::indicators::series,
    ),
    components(schemas(ErrorBody, ErrorDetail, Code)),
    modifiers(&BearerAuth),
    tags(
        (name = "meta", description = "Health and this document"),
        (name = "session", description = "登录 — log in and out"),
        (name = "persons", description = "人员 — registration lifecycle and person records (scoped, views recorded)"),
        (name = "records", description = "非人员对象 — employers, landlords, rental houses, zones, …"),
        (name = "units", description = "区划 — the dated division hierarchy"),
        (name = "permits", description = "居住证 — new-citizen eligibility and the residence permit"),
        (name = "values", description = "汇总值 — values reported per unit and period (estimates, departments' counts)"),
        (name = "imports", description = "数据导入 — department files (CSV, XLSX) imported with progress; templates"),
        (name = "indicators", description = "指标 — every indicator with its target and band, as of a date or by period"),
    )
)]
pub struct ApiDoc;

/// Adds the bearer-token security scheme the handlers refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("64 hex digits")
            .description(Some("The token of POST /api/v1/session"))
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The numbers an answer gives and the operations they open (OpenAPI links),
/// so that a client, and schemathesis's stateful phase, can follow a new
/// person, record, permit or import to what it opens: the answering operation
/// and status, where in the answer the number is, and the links (each its
/// name, the operation it opens and that operation's parameter).
pub(crate) const LINKS: &[(&str, &str, &str, &[Link])] = &[
    (
        "register",
        "201",
        "$response.body#/person",
        &[
            ("person", "file", "id"),
            ("facts", "facts_on", "id"),
            ("add_fact", "add_fact", "id"),
            ("timeline", "timeline", "id"),
            ("views", "views", "id"),
            ("eligibility", "eligibility", "id"),
            ("apply", "apply", "id"),
        ],
    ),
    (
        "apply",
        "201",
        "$response.body#/person",
        &[("permits", "permits_of", "id")],
    ),
    (
        "apply",
        "201",
        "$response.body#/permit",
        &[("review", "review", "id")],
    ),
    (
        "create",
        "201",
        "$response.body#/record",
        &[("record", "record", "id"), ("replace", "replace", "id")],
    ),
    (
        "start",
        "202",
        "$response.body#/id",
        &[("status", "status", "id"), ("errors", "errors", "id")],
    ),
    (
        "status",
        "200",
        "$response.body#/run",
        &[
            ("run", "run_report", "seq"),
            ("run_errors", "run_errors", "seq"),
        ],
    ),
];

/// A link's name, the operation it opens and that operation's parameter.
type Link = (&'static str, &'static str, &'static str);

/// The document as served: [`ApiDoc`] with [`LINKS`] in the answers they start
/// from. They are added to the JSON, since utoipa 5 writes a link's fields in
/// snake case (`operation_id`), which no OpenAPI reader takes.
pub(crate) fn document_json() -> serde_json::Value {
    let mut document = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    for &(from, status, value, links) in LINKS {
        let operation = document["paths"]
            .as_object_mut()
            .expect("the document has paths")
            .values_mut()
            .filter_map(serde_json::Value::as_object_mut)
            .flat_map(|item| item.values_mut())
            .find(|operation| operation["operationId"] == from)
            .unwrap_or_else(|| panic!("a link starts from operation {from}"));
        for &(name, to, parameter) in links {
            operation["responses"][status]["links"][name] = serde_json::json!({
                "operationId": to,
                "parameters": { parameter: value },
            });
        }
    }
    document
}

/// The OpenAPI document (OpenAPI 3.1, JSON).
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "This document", content_type = "application/json")))]
pub async fn document() -> Response {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let body = DOCUMENT.get_or_init(|| document_json().to_string());
    ([(header::CONTENT_TYPE, "application/json")], body.as_str()).into_response()
}

/// Error answers with the shared error body, by status; [`BUSY`] with its
/// `Retry-After`.
fn errors(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    list.iter()
        .map(|&(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            let mut response = ResponseBuilder::new()
                .description(description)
                .content("application/json", content);
            if (status, description) == BUSY {
                let seconds = HeaderBuilder::new()
                    .schema(Object::with_type(Type::Integer))
                    .description(Some("Seconds to wait before trying again"))
                    .build();
                response = response.header(header::RETRY_AFTER.as_str(), seconds);
            }
            (status.to_string(), RefOr::T(response.build()))
        })
        .collect()
}

const UNAUTHENTICATED: (&str, &str) = (
    "401",
    "No session token, or an unknown or expired one (unauthenticated)",
);
const FORBIDDEN: (&str, &str) = ("403", "Your role or scope does not allow this (forbidden)");
const NOT_FOUND: (&str, &str) = ("404", "No such resource within your scope (not_found)");
const BAD_PARAMETER: (&str, &str) = (
    "400",
    "A malformed body or path or query parameter (malformed_json, invalid_parameter)",
);
const TOO_LARGE: (&str, &str) = ("413", "The body is over 1 MiB (payload_too_large)");
const NOT_JSON: (&str, &str) = (
    "415",
    "The body is not declared application/json (unsupported_media_type)",
);
const INVALID: (&str, &str) = (
    "422",
    "A field is missing, unknown, malformed or refused (invalid_field)",
);
const BUSY: (&str, &str) = (
    "503",
    "Another process held the database's writer longer than a change waits, e.g. an import from the command line (busy): nothing was written; try again after the seconds in Retry-After",
);

/// The errors of a call that needs only a session.
pub struct AuthErrors;

impl IntoResponses for AuthErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors(&[UNAUTHENTICATED])
    }
}

/// The errors of reading a JSON body.
pub struct BodyErrors;

impl IntoResponses for BodyErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors(&[BAD_PARAMETER, TOO_LARGE, NOT_JSON, INVALID])
    }
}

/// The errors of a scoped read.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors(&[BAD_PARAMETER, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND])
    }
}

/// The errors of a change.
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        errors(&[
            BAD_PARAMETER,
            UNAUTHENTICATED,
            FORBIDDEN,
            NOT_FOUND,
            TOO_LARGE,
            NOT_JSON,
            INVALID,
            BUSY,
        ])
    }
}

#[cfg(test)]
mod tests;
