//! Test support: a fresh SQLite store in a temporary directory per test, users with
//! passwords, and calls through the router without a network.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use domain::Date;
use domain::access::{Department, Role, User};
use domain::division::{DivisionCode, Hierarchy};
use domain::migrant::MigrantRule;
use domain::resident_id::{ResidentId, Sex};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use store::vault::Vault;
use store::{NewUser, Store};
use tower::ServiceExt;

/// Every test user's password.
pub const PASSWORD: &str = "密码 correct horse battery";

/// 产山社区 and 惠河社区 of 蠡湖街道, 滨湖区 (320211).
pub const BINHU_VILLAGE: &str = "320211001003";
pub const BINHU_OTHER_VILLAGE: &str = "320211001004";
/// 胜利门社区 of 崇安寺街道, 梁溪区 (320213).
pub const LIANGXI_VILLAGE: &str = "320213021001";

/// One test's server: its own database, dropped with it.
pub struct TestApp {
    pub app: web::App,
    pub router: Router,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

/// An answer: status, headers and the body as JSON (`Value::String` of the raw
/// text when it is not JSON, so that a plain-text answer fails the checks), and
/// as it came (a file).
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The error body's `field`, `zh` and `en`, after checking the body's shape.
    pub fn error(&self) -> (&str, &str, &str) {
        let error = &self.body["error"];
        assert!(
            error.is_object(),
            "expected an error body, but found {}",
            self.body
        );
        let text = |key: &str| {
            error[key]
                .as_str()
                .unwrap_or_else(|| panic!("no {key} in {}", self.body))
        };
        assert!(!text("code").is_empty());
        (
            error["field"].as_str().unwrap_or(""),
            text("zh"),
            text("en"),
        )
    }

    /// The error body's code.
    pub fn code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.body))
    }
}

/// Binhu's street's indicators in mid-2025, with its villages'.
pub const R1: &str = "/api/v1/indicators?unit=320211001&as_of=2025-06-30";

/// `field` of `indicator` for `unit` in an indicators answer.
pub fn figure(body: &Value, indicator: &str, unit: &str, field: &str) -> Value {
    body.as_array()
        .unwrap()
        .iter()
        .find(|row| row["indicator"] == indicator && row["unit"] == unit)
        .unwrap_or_else(|| panic!("no {indicator} for {unit} in {body}"))[field]
        .clone()
}

/// A labour file giving 李四 (`id`) a contract with `employer` from 2025-01-01.
pub fn labour_contract(id: &ResidentId, employer: i64) -> String {
    format!(
        "身份证号,姓名,信息类别,用人单位编号,开始日期,结束日期\n{},李四,劳动合同,{employer},2025-01-01,\n",
        id.as_str()
    )
}

/// `text` percent-encoded for a query string.
pub fn pct(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn date(text: &str) -> Date {
    text.parse().unwrap()
}

pub fn code(text: &str) -> DivisionCode {
    text.parse().unwrap()
}

/// A synthetic ID number of a man born 1990-05-17 with a hukou in 合肥 (340102):
/// a migrant in Wuxi.
pub fn resident_id(sequence: u16) -> ResidentId {
    ResidentId::synthesize(340102, date("1990-05-17"), sequence, Sex::Male)
}

/// The same ID with a wrong check digit.
pub fn wrong_check_digit(id: &ResidentId) -> String {
    let text = id.as_str();
    let last = if text.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &text[..17])
}

/// A registration form of an own-home resident of `village`.
pub fn registration(id: &ResidentId, name: &str, village: &str, on: &str) -> Value {
    json!({
        "resident_id": id.as_str(),
        "name": name,
        "on": on,
        "residence": {"housing": "own_home", "unit": village},
    })
}

impl TestApp {
    /// A server over a fresh, initialised Wuxi database.
    pub fn new() -> TestApp {
        TestApp::signing_cards(None)
    }

    /// The same, signing permit cards with `card_key` when given.
    pub fn signing_cards(card_key: Option<card::CityKey>) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anju.db");
        let store: Arc<dyn Store> =
            Arc::from(store::open(path.to_str().unwrap(), Vault::from_key([7; 32])).unwrap());
        let city = Hierarchy::wuxi();
        store
            .initialise(city, &MigrantRule::new(city.city()))
            .unwrap();
        let policy = Arc::new(domain::policy::Policy::seed().clone());
        let app = web::App::with_card_key(Arc::clone(&store), policy, card_key).unwrap();
        TestApp {
            router: web::router(app.clone()),
            app,
            store,
            _dir: dir,
        }
    }

    /// Adds a user whose password is [`PASSWORD`].
    pub fn user(&self, login: &str, role: Role, unit: &str) -> User {
        self.user_of(login, role, unit, None)
    }

    /// Adds a user of `department` whose password is [`PASSWORD`].
    pub fn user_of(
        &self,
        login: &str,
        role: Role,
        unit: &str,
        department: Option<Department>,
    ) -> User {
        self.store
            .create_user(NewUser {
                login: login.into(),
                name: format!("{login} 的名字"),
                role,
                unit: code(unit),
                department,
                password_hash: web::password::hash(PASSWORD),
            })
            .unwrap()
    }

    /// Adds a user and logs them in through the API; their token.
    pub async fn session(&self, login: &str, role: Role, unit: &str) -> String {
        self.user(login, role, unit);
        self.log_in(login).await
    }

    /// Adds `department`'s data manager for the whole city and logs them in
    /// through the API; their token.
    pub async fn department_session(&self, login: &str, department: Department) -> String {
        self.user_of(login, Role::DepartmentManager, "3202", Some(department));
        self.log_in(login).await
    }

    /// Logs a user in through the API; their token.
    async fn log_in(&self, login: &str) -> String {
        let answer = self
            .call(
                Method::POST,
                "/api/v1/session",
                None,
                Some(json!({"login": login, "password": PASSWORD})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body["token"].as_str().unwrap().to_owned()
    }

    /// How many events the log holds.
    pub fn events(&self) -> usize {
        self.store.events_after(0, 1_000_000).unwrap().len()
    }

    /// Sends a request as it is.
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Answer {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
        }
    }

    /// Sends raw `body` bytes with a content type.
    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// Sends `body` as JSON (or nothing) with the token, if any.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        match body {
            Some(body) => {
                self.raw(
                    method,
                    uri,
                    token,
                    Some("application/json"),
                    serde_json::to_vec(&body).unwrap(),
                )
                .await
            }
            None => self.raw(method, uri, token, None, Vec::new()).await,
        }
    }

    pub async fn get(&self, uri: &str, token: &str) -> Answer {
        self.call(Method::GET, uri, Some(token), None).await
    }

    pub async fn post(&self, uri: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, uri, Some(token), Some(body)).await
    }

    /// Registers a person and returns their number.
    pub async fn register(&self, token: &str, form: Value) -> i64 {
        let answer = self.post("/api/v1/persons", token, form).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body["person"].as_i64().unwrap()
    }

    /// Registers 李四 (`id`) in `BINHU_VILLAGE` on 2025-01-01, employed by
    /// `employer` without a labour contract; their number.
    pub async fn register_employed(&self, token: &str, id: &ResidentId, employer: i64) -> i64 {
        let mut form = registration(id, "李四", BINHU_VILLAGE, "2025-01-01");
        form["facts"] = json!([
            {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2025-01-01"},
        ]);
        self.register(token, form).await
    }

    /// Adds an employer record in `village` and returns its number.
    pub async fn employer(&self, token: &str, name: &str, village: &str) -> i64 {
        let form = json!({
            "name": name, "unit": village, "from": "2000-01-01",
            "detail": {"kind": "employer", "union_since": null, "letter_signed_on": null},
        });
        let answer = self.post("/api/v1/records", token, form).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        answer.body["record"].as_i64().unwrap()
    }
}
