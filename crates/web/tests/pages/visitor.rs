//! A visitor of the pages: keeps cookies like a browser, reads the CSRF token out of
//! the last page and posts forms.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::support::{PASSWORD, TestApp, pct};

/// A page as the visitor got it.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    /// The value of the first `name="csrf"` field of the page.
    pub fn csrf(&self) -> String {
        let start = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field")
            + 19;
        self.html[start..start + 64].to_owned()
    }

    /// Where a redirect leads.
    pub fn location(&self) -> &str {
        self.headers[header::LOCATION].to_str().unwrap()
    }
}

/// A browser without a browser.
pub struct Visitor<'t> {
    pub test: &'t TestApp,
    pub cookies: BTreeMap<String, String>,
}

impl<'t> Visitor<'t> {
    pub fn new(test: &'t TestApp) -> Visitor<'t> {
        Visitor {
            test,
            cookies: BTreeMap::new(),
        }
    }

    /// Sends a request with the cookies and keeps those the answer sets.
    pub async fn send(&mut self, method: Method, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
        let mut request = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                let pairs: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
                    .collect();
                Body::from(pairs.join("&"))
            }
            None => Body::empty(),
        };
        let response = self
            .test
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            html: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn get(&mut self, uri: &str) -> Page {
        self.send(Method::GET, uri, None).await
    }

    /// Posts `fields` plus the CSRF token of `page`.
    pub async fn post(&mut self, uri: &str, page: &Page, fields: &[(&str, &str)]) -> Page {
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(Method::POST, uri, Some(&all)).await
    }

    /// Logs in through the login form with the test password; the home page.
    pub async fn login(&mut self, login: &str) -> Page {
        let form = self.get("/login").await;
        let answer = self
            .post("/login", &form, &[("login", login), ("password", PASSWORD)])
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
        self.get("/").await
    }
}
