//! 人员 — a migrant's registration lifecycle (register, move, change employer, add
//! and end facts, correct, link family, depart) and the reads of a person's record
//! (file, facts on a date, timeline, who viewed it, look-up by ID number or name).
//!
//! Each write parses its body's texts (dates, ID numbers, division codes) naming
//! their JSON paths, builds one [`Change`] and submits it as the caller; the store
//! decides whether it is valid and in scope. Each read is scoped and recorded by the
//! store.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use domain::event::{Change, Correction, Event, FactForm, ResidenceForm};
use domain::registry::{
    Fact, FactId, FactKind, FamilyLink, Housing, NewPerson, PersonId, RecordId, Relation,
};
use serde::Deserialize;
use store::{NameCursor, PersonFile, PersonSummary, Receipt, ViewEntry};
use utoipa::{IntoParams, ToSchema};

use super::{may_read_persons, may_write_persons, next_page, submit};
use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{
    CodeText, DateText, IdText, Json, Path, Query, Text, count_param, date_param, field,
    resident_id_param,
};
use crate::openapi::{ReadErrors, WriteErrors};

/// The person named by the path.
#[derive(Debug, Deserialize)]
pub struct PersonPath {
    /// The store's number for the person.
    pub id: PersonId,
}

/// A fact of the person named by the path.
#[derive(Debug, Deserialize)]
pub struct FactPath {
    pub id: PersonId,
    pub fact: FactId,
}

/// A residence as given on a form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidenceBody {
    /// 居住方式
    pub housing: Housing,
    /// The village or community (12 digits), e.g. `320211001003`.
    pub unit: CodeText,
    /// The zone, rented house or employer (for a dormitory); none for an own home.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub place: Option<RecordId>,
}

impl ResidenceBody {
    /// The residence, given at JSON path `at`.
    fn parse(self, at: &str) -> Result<ResidenceForm, ApiError> {
        Ok(ResidenceForm {
            housing: self.housing,
            unit: self.unit.parse(&field(at, "unit"))?,
            place: self.place,
        })
    }
}

/// A dated fact as given on a form: holds from `from` through `to` (inclusive).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FactBody {
    pub fact: FactKind,
    pub from: DateText,
    /// The last day; absent or `null` while it still holds.
    #[serde(default)]
    pub to: Option<DateText>,
}

impl FactBody {
    /// The fact, given at JSON path `at` (`""` for the whole body).
    fn parse(self, at: &str) -> Result<FactForm, ApiError> {
        Ok(FactForm {
            fact: self.fact,
            from: self.from.parse(&field(at, "from"))?,
            to: Text::parse_optional(self.to.as_ref(), &field(at, "to"))?,
        })
    }
}

/// 来人登记 — a registration form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 公民身份号码 — 18 characters with a valid check digit.
    pub resident_id: IdText,
    /// 姓名
    #[schema(example = "张三")]
    pub name: String,
    /// 登记日期 — the day of arrival.
    pub on: DateText,
    pub residence: ResidenceBody,
    /// Whatever else the form recorded (job, contract, insurance, …).
    #[serde(default)]
    pub facts: Vec<FactBody>,
}

/// 迁移 — a move to another residence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The first day at the new residence.
    pub on: DateText,
    pub residence: ResidenceBody,
}

/// 变更用人单位 — a new employer from `on`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerRequest {
    pub on: DateText,
    /// The employer record.
    #[schema(value_type = i64)]
    pub employer: RecordId,
    /// 月工资（分）
    pub monthly_wage_fen: i64,
}

/// 终止信息 — a fact's last day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndFactRequest {
    pub last_day: DateText,
}

/// 离开 — a departure: no longer present on `on`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartureRequest {
    pub on: DateText,
}

/// 更正 — a correction with its reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// 更正原因
    pub reason: String,
    pub correction: CorrectionBody,
}

/// What a correction puts right, tagged by `target`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "target", rename_all = "snake_case", deny_unknown_fields)]
pub enum CorrectionBody {
    /// A fact was recorded with the wrong content or dates.
    Fact {
        #[schema(value_type = i64)]
        fact: FactId,
        kind: FactKind,
        from: DateText,
        #[serde(default)]
        to: Option<DateText>,
    },
    /// A fact should never have been recorded.
    VoidFact {
        #[schema(value_type = i64)]
        fact: FactId,
    },
    /// The name or ID number was mistyped.
    Person { name: String, resident_id: IdText },
}

impl CorrectionBody {
    /// The correction of `person`'s record, given at JSON path `at`.
    fn parse(self, person: PersonId, at: &str) -> Result<Correction, ApiError> {
        Ok(match self {
            CorrectionBody::Fact {
                fact,
                kind,
                from,
                to,
            } => Correction::Fact {
                person,
                fact,
                kind,
                from: from.parse(&field(at, "from"))?,
                to: Text::parse_optional(to.as_ref(), &field(at, "to"))?,
            },
            CorrectionBody::VoidFact { fact } => Correction::VoidFact { person, fact },
            CorrectionBody::Person { name, resident_id } => Correction::Person {
                person,
                name,
                resident_id: resident_id.parse(&field(at, "resident_id"))?,
            },
        })
    }
}

/// 家庭关系 — links the person to a registered relative.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FamilyRequest {
    #[schema(value_type = i64)]
    pub relative: PersonId,
    pub relation: Relation,
}

/// A search: exactly one of `resident_id` and `name`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The full ID number: at most one hit, 404 when none in your scope.
    #[param(value_type = Option<domain::resident_id::ResidentId>)]
    pub resident_id: Option<String>,
    /// Part of a name: the persons in your scope whose name contains it.
    pub name: Option<String>,
    /// How many hits at most for a name search (1–100, default 20).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 100)]
    pub limit: Option<String>,
    /// Where a name search's page starts: the `after` of the `Link` header
    /// (`rel="next"`) of the page before. Exact names come first, then the others
    /// by name.
    pub after: Option<String>,
}

/// The date of a facts query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// `YYYY-MM-DD`; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub on: Option<String>,
}

/// 来人登记 — registers a migrant (or their return).
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = RegisterRequest,
    responses((status = 201, description = "Registered", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn register(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Json(form): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let person = NewPerson {
        resident_id: form.resident_id.parse("resident_id")?,
        name: form.name,
    };
    let on = form.on.parse("on")?;
    let residence = form.residence.parse("residence")?;
    let facts = form
        .facts
        .into_iter()
        .enumerate()
        .map(|(index, fact)| fact.parse(&format!("facts[{index}]")))
        .collect::<Result<_, _>>()?;
    let change = Change::Register {
        person,
        on,
        residence,
        facts,
    };
    submit(&app, user, change).await
}

/// 迁移 — moves the person to another residence.
#[utoipa::path(post, path = "/api/v1/persons/{id}/moves", tag = "persons", request_body = MoveRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Moved", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn move_residence(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<MoveRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let change = Change::Move {
        person: path.id,
        on: form.on.parse("on")?,
        residence: form.residence.parse("residence")?,
    };
    submit(&app, user, change).await
}

/// 变更用人单位 — the person works for another employer from a date.
#[utoipa::path(post, path = "/api/v1/persons/{id}/employers", tag = "persons", request_body = EmployerRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Employer changed", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn change_employer(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<EmployerRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let change = Change::ChangeEmployer {
        person: path.id,
        on: form.on.parse("on")?,
        employer: form.employer,
        monthly_wage_fen: form.monthly_wage_fen,
    };
    submit(&app, user, change).await
}

/// 新增信息 — adds a dated fact.
#[utoipa::path(post, path = "/api/v1/persons/{id}/facts", tag = "persons", request_body = FactBody,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Fact added", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn add_fact(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<FactBody>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let FactForm { fact, from, to } = form.parse("")?;
    let change = Change::AddFact {
        person: path.id,
        fact,
        from,
        to,
    };
    submit(&app, user, change).await
}

/// 终止信息 — ends a fact on its last day.
#[utoipa::path(post, path = "/api/v1/persons/{id}/facts/{fact}/end", tag = "persons", request_body = EndFactRequest,
    params(("id" = i64, Path, description = "The person's number"), ("fact" = i64, Path, description = "The fact's number")),
    responses((status = 201, description = "Fact ended", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn end_fact(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<FactPath>,
    Json(form): Json<EndFactRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let change = Change::EndFact {
        person: path.id,
        fact: path.fact,
        last_day: form.last_day.parse("last_day")?,
    };
    submit(&app, user, change).await
}

/// 离开 — records the person's departure.
#[utoipa::path(post, path = "/api/v1/persons/{id}/departure", tag = "persons", request_body = DepartureRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Departure recorded", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn depart(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<DepartureRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    submit(
        &app,
        user,
        Change::Leave {
            person: path.id,
            on: form.on.parse("on")?,
        },
    )
    .await
}

/// 更正 — corrects a fact or the person's name or ID number, with a reason.
#[utoipa::path(post, path = "/api/v1/persons/{id}/corrections", tag = "persons", request_body = CorrectionRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Corrected", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn correct(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<CorrectionRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let change = Change::Correct {
        reason: form.reason,
        correction: form.correction.parse(path.id, "correction")?,
    };
    submit(&app, user, change).await
}

/// 家庭关系 — links the person to a registered relative.
#[utoipa::path(post, path = "/api/v1/persons/{id}/family", tag = "persons", request_body = FamilyRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Linked", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn link_family(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<FamilyRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    let link = FamilyLink {
        person: path.id,
        relative: form.relative,
        relation: form.relation,
    };
    submit(&app, user, Change::LinkFamily { link }).await
}

/// A person's file: the person, every fact and the family (recorded as a view).
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons",
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 200, description = "The file", body = PersonFile), ReadErrors),
    security(("bearer" = [])))]
pub async fn file(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
) -> Result<Json<PersonFile>, ApiError> {
    may_read_persons(&user)?;
    app.run(move |store| store.person(&user, path.id))
        .await
        .map(Json)
}

/// What was true of a person on a date (recorded as a view).
#[utoipa::path(get, path = "/api/v1/persons/{id}/facts", tag = "persons",
    params(("id" = i64, Path, description = "The person's number"), OnQuery),
    responses((status = 200, description = "The facts that held that day", body = Vec<Fact>), ReadErrors),
    security(("bearer" = [])))]
pub async fn facts_on(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Query(query): Query<OnQuery>,
) -> Result<Json<Vec<Fact>>, ApiError> {
    may_read_persons(&user)?;
    let on = date_param("on", query.on.as_deref())?.unwrap_or_else(crate::today);
    app.run(move |store| store.facts_on(&user, path.id, on))
        .await
        .map(Json)
}

/// Every event about a person, oldest first (recorded as a view).
#[utoipa::path(get, path = "/api/v1/persons/{id}/timeline", tag = "persons",
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 200, description = "The events", body = Vec<Event>), ReadErrors),
    security(("bearer" = [])))]
pub async fn timeline(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
) -> Result<Json<Vec<Event>>, ApiError> {
    may_read_persons(&user)?;
    app.run(move |store| store.timeline(&user, path.id))
        .await
        .map(Json)
}

/// Who viewed a person's record, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/views", tag = "persons",
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 200, description = "The views", body = Vec<ViewEntry>), ReadErrors),
    security(("bearer" = [])))]
pub async fn views(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
) -> Result<Json<Vec<ViewEntry>>, ApiError> {
    may_read_persons(&user)?;
    app.run(move |store| store.views_of(&user, path.id))
        .await
        .map(Json)
}

/// Finds persons in your scope by full ID number or by part of the name (each hit
/// recorded as a view). ID numbers are masked in the hits.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(SearchQuery),
    responses((status = 200, description = "The hits; when a name search has more, a `Link` header names the next page (`rel=\"next\"`)", body = Vec<PersonSummary>,
        headers(("Link" = String, description = "The next page of a name search, when there is one"))), ReadErrors),
    security(("bearer" = [])))]
pub async fn search(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<(HeaderMap, Json<Vec<PersonSummary>>), ApiError> {
    may_read_persons(&user)?;
    match (query.resident_id, query.name) {
        (Some(text), None) => {
            if query.limit.is_some() || query.after.is_some() {
                return Err(ApiError::new(
                    Code::InvalidParameter,
                    Some("limit"),
                    "按公民身份号码查找时不用 limit 与 after",
                    "expected no limit or after with resident_id, but found one",
                ));
            }
            let id = resident_id_param("resident_id", &text)?;
            match app
                .run(move |store| store.find_by_resident_id(&user, &id))
                .await?
            {
                Some(hit) => Ok((HeaderMap::new(), Json(vec![hit]))),
                None => Err(ApiError::new(
                    Code::NotFound,
                    Some("resident_id"),
                    "您的管辖范围内没有登记此公民身份号码",
                    "expected a person with this ID number within your scope, but found none",
                )),
            }
        }
        (None, Some(name)) => {
            let limit = count_param("limit", query.limit.as_deref(), 20, 100)?.max(1);
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err(ApiError::new(
                    Code::InvalidParameter,
                    Some("name"),
                    "姓名不能为空",
                    "expected part of a name, but found nothing",
                ));
            }
            let after = query.after.as_deref().map(cursor).transpose()?;
            let wanted = name.clone();
            let found = app
                .run(move |store| store.search_by_name_page(&user, &name, after.as_ref(), limit))
                .await?;
            let headers = match found.next {
                Some(next) => {
                    let query = serde_urlencoded::to_string([
                        ("name", wanted),
                        ("limit", limit.to_string()),
                        ("after", next.to_text()),
                    ])
                    .map_err(|e| ApiError::internal(&format!("encoding the next page: {e}")))?;
                    next_page(&format!("/api/v1/persons?{query}"))?
                }
                None => HeaderMap::new(),
            };
            Ok((headers, Json(found.hits)))
        }
        (Some(_), Some(_)) => Err(ApiError::new(
            Code::InvalidParameter,
            Some("name"),
            "resident_id 与 name 只能给出一个",
            "expected either resident_id or name, but found both",
        )),
        (None, None) => Err(ApiError::new(
            Code::InvalidParameter,
            Some("name"),
            "请给出 resident_id 或 name",
            "expected resident_id or name, but found neither",
        )),
    }
}

/// The `after` of a name search, as the `Link` header of the page before gave it.
fn cursor(text: &str) -> Result<NameCursor, ApiError> {
    NameCursor::parse(text).ok_or_else(|| {
        ApiError::new(
            Code::InvalidParameter,
            Some("after"),
            "after 应为上一页 Link 头中给出的翻页位置",
            format!("expected the after of the previous page's Link header, but found {text:?}"),
        )
    })
}
