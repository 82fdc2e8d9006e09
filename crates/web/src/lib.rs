//! 网络接口 — Anju's HTTP API: JSON routes over the [`store::Store`], sessions,
//! access control and the OpenAPI document.
//!
//! The web layer parses requests, finds out who is calling and maps errors to
//! statuses. It holds no business rules: what a change does and whether it is
//! allowed is decided by `domain` (asked through [`domain::access::User`]) and the
//! store, which also scopes every read to the caller's subtree and records views.

#![warn(missing_docs)]

pub mod auth;
pub mod error;
pub mod extract;
pub mod follow;
pub mod indicators;
pub mod openapi;
mod pages;
pub mod password;
mod routes;

use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use domain::Date;
use domain::division::Hierarchy;
use domain::policy::Policy;
use store::{Store, StoreError};

use crate::error::ApiError;
use crate::routes::{
    exports, import_runs, imports, permit_card, permit_steps, permits, persons, records, session,
    units, values,
};

/// The largest request body accepted, in bytes (1 MiB); larger bodies get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The state every handler shares: the store and the city's hierarchy, loaded once.
/// Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    hierarchy: Hierarchy,
    /// A hash of a random password: unknown logins are verified against it so that
    /// they take as long as wrong passwords.
    dummy_hash: String,
    /// The indicator engine; its lock also orders writes (see [`indicators`]).
    engine: indicators::SharedEngine,
    /// How far the engine reaches into the log; locked after the engine.
    reach: std::sync::Mutex<follow::Reach>,
    /// Department files being imported, and the reports of those done.
    imports: Arc<imports::Imports>,
    /// The city's key for signing permit cards; without it no card is served.
    card_key: Option<card::CityKey>,
    /// The CJK font of the PDF card (`card::font_path()`), read at the first PDF.
    card_font: std::sync::OnceLock<Result<Arc<card::CardFont>, card::CardError>>,
}

impl App {
    /// The state over `store` with the seed policy, whose hierarchy is read and
    /// indicator engine built now (a merger recorded later is seen after a restart).
    pub fn new(store: Arc<dyn Store>) -> Result<App, StoreError> {
        App::with_policy(store, Arc::new(Policy::seed().clone()))
    }

    /// The state over `store`, counting indicators by `policy`.
    pub fn with_policy(store: Arc<dyn Store>, policy: Arc<Policy>) -> Result<App, StoreError> {
        App::with_card_key(store, policy, None)
    }

    /// The state over `store`, counting by `policy` and signing permit cards with
    /// `card_key` (without one, no card is served). Gives the store the policy's
    /// rules, which every permit step and reported value is held against.
    pub fn with_card_key(
        store: Arc<dyn Store>,
        policy: Arc<Policy>,
        card_key: Option<card::CityKey>,
    ) -> Result<App, StoreError> {
        let hierarchy = store.hierarchy()?;
        store.set_policy_rules(Arc::new(analytics::CityRules::new(
            policy.clone(),
            hierarchy.clone(),
        )));
        let built = indicators::build_at(&*store, policy, hierarchy.clone())?;
        let dummy_hash = password::hash(&auth::new_token());
        Ok(App {
            inner: Arc::new(Inner {
                store,
                hierarchy,
                dummy_hash,
                engine: Arc::new(RwLock::new(built.engine)),
                reach: std::sync::Mutex::new(follow::Reach::new(built.seq, built.last_person)),
                imports: Arc::default(),
                card_key,
                card_font: std::sync::OnceLock::new(),
            }),
        })
    }

    /// The font of the PDF card, read once from `card::font_path()` (the setting
    /// `ANJU_CARD_FONT`, else Debian's WenQuanYi Zen Hei), or why it cannot be.
    pub fn card_font(&self) -> Result<Arc<card::CardFont>, card::CardError> {
        self.inner
            .card_font
            .get_or_init(|| card::CardFont::open(&card::font_path()).map(Arc::new))
            .clone()
    }

    /// The city's card signing key, if configured.
    pub fn card_key(&self) -> Option<&card::CityKey> {
        self.inner.card_key.as_ref()
    }

    /// The indicator engine.
    pub fn engine(&self) -> &indicators::SharedEngine {
        &self.inner.engine
    }

    /// The indicator engine, to ask. A lock poisoned by a panicking writer is read
    /// all the same: writes reach the engine only after they commit.
    pub fn read_engine(&self) -> std::sync::RwLockReadGuard<'_, analytics::Engine> {
        self.inner
            .engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How far the engine reaches into the log. Lock it only while holding the
    /// engine's write lock.
    pub(crate) fn reach(&self) -> std::sync::MutexGuard<'_, follow::Reach> {
        self.inner
            .reach
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Brings the engine level with events other processes committed (see
    /// [`follow`]); whether there were any. Blocks: call from a blocking thread.
    pub fn catch_up(&self) -> Result<bool, StoreError> {
        let (seen, known) = {
            let reach = self.reach();
            (reach.seen(), reach.last_person())
        };
        // A look without the engine's lock first: most of the time nothing is new.
        if self.inner.store.log_since(seen, known)?.last == seen && !self.reach().is_stale() {
            return Ok(false);
        }
        let mut engine = self
            .inner
            .engine
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        follow::catch_up(&*self.inner.store, &mut engine, &mut self.reach())
    }

    /// The imports of department files since start.
    pub(crate) fn imports(&self) -> &Arc<imports::Imports> {
        &self.inner.imports
    }

    /// The store behind the API.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The city's divisions, as loaded at start.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.inner.hierarchy
    }

    pub(crate) fn dummy_hash(&self) -> &str {
        &self.inner.dummy_hash
    }

    /// Runs a synchronous store call on the blocking pool and maps its error.
    pub(crate) async fn run<T, F>(&self, call: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.inner.store);
        match tokio::task::spawn_blocking(move || call(&*store)).await {
            Ok(result) => result.map_err(ApiError::from),
            Err(join) => Err(ApiError::internal(&format!("store task failed: {join}"))),
        }
    }
}

/// Today in the city (China Standard Time, UTC+8, which has no daylight saving).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

/// Every route of the API, with the body limit, JSON 404/405 fallbacks and `app` as
/// state.
pub fn router(app: App) -> Router {
    let api = Router::new()
        .route("/session", post(session::login).delete(session::logout))
        .route("/me", get(session::me))
        .route("/persons", post(persons::register).get(persons::search))
        .route("/persons/{id}", get(persons::file))
        .route(
            "/persons/{id}/facts",
            get(persons::facts_on).post(persons::add_fact),
        )
        .route("/persons/{id}/facts/{fact}/end", post(persons::end_fact))
        .route("/persons/{id}/moves", post(persons::move_residence))
        .route("/persons/{id}/employers", post(persons::change_employer))
        .route("/persons/{id}/departure", post(persons::depart))
        .route("/persons/{id}/corrections", post(persons::correct))
        .route("/persons/{id}/family", post(persons::link_family))
        .route("/persons/{id}/timeline", get(persons::timeline))
        .route("/persons/{id}/views", get(persons::views))
        .route("/persons/{id}/eligibility", get(permits::eligibility))
        .route("/persons/{id}/entitlements", get(permits::entitlements))
        .route(
            "/persons/{id}/permits",
            get(permit_steps::list).post(permit_steps::apply),
        )
        .route("/permits/{id}/review", post(permit_steps::review))
        .route("/permits/{id}/issue", post(permit_steps::issue))
        .route("/permits/{id}/renew", post(permit_steps::renew))
        .route("/permits/{id}/change", post(permit_steps::change))
        .route("/permits/{id}/revoke", post(permit_steps::revoke))
        .route("/permits/{id}/card", get(permit_card::card_page))
        .route("/permits/{id}/card.pdf", get(permit_card::card_pdf))
        .route("/card/public-key", get(permit_card::public_key))
        .route("/card/revocations", get(permit_card::revocations))
        .route("/new-citizens", get(permits::new_citizens))
        .route("/records", get(records::list).post(records::create))
        .route("/records/{id}", get(records::get).put(records::replace))
        .route("/units/{code}", get(units::get))
        .route("/values", post(values::report))
        .route(
            "/imports",
            get(import_runs::list)
                .merge(post(imports::start).layer(DefaultBodyLimit::max(imports::UPLOAD_LIMIT))),
        )
        .route("/imports/{id}", get(imports::status))
        .route("/imports/{id}/errors", get(imports::errors))
        .route("/imports/runs/{seq}", get(import_runs::run_report))
        .route("/imports/runs/{seq}/errors", get(import_runs::run_errors))
        .route("/templates/{kind}", get(imports::template_file))
        .route("/exports/indicators", get(exports::indicators))
        .route("/exports/persons", get(exports::persons))
        .route("/indicators", get(indicators::get))
        .route("/indicators/series", get(indicators::series))
        .method_not_allowed_fallback(routes::method_not_allowed);
    Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/api/openapi.json", get(openapi::document))
        .route("/verify", get(permit_card::verify_page))
        .nest("/api/v1", api)
        .merge(pages::router())
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// How often a serving engine looks for events other processes committed.
pub const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Serves `app` on `listener` until Ctrl-C, then finishes the requests in flight.
/// Every [`FOLLOW_EVERY`] the engine catches up with events other processes
/// committed ([`App::catch_up`]), and one segment piece a large import left is
/// folded into the tables ([`Store::fold_segment`]).
pub async fn serve(app: App, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let follower = app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(FOLLOW_EVERY).await;
            let app = follower.clone();
            let work = move || {
                app.catch_up()?;
                app.store().fold_segment()
            };
            match tokio::task::spawn_blocking(work).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => eprintln!(
                    "跟进日志或并入分段失败 / catching up with the log or folding a segment: {error}"
                ),
                Err(join) => eprintln!(
                    "跟进日志或并入分段失败 / catching up with the log or folding a segment: {join}"
                ),
            }
        }
    });
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            // If the signal cannot be watched, serve until the process is killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
}
