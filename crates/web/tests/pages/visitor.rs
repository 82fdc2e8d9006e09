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

    /// Sends a request, with `form`'s fields as a form if given.
    pub async fn send(&mut self, method: Method, uri: &str, form: Option<&[(&str, &str)]>) -> Page {
        let body = form.map(|fields| {
            let pairs: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
                .collect();
            (
                "application/x-www-form-urlencoded".to_owned(),
                pairs.join("&").into_bytes(),
            )
        });
        self.request(method, uri, body).await
    }

    /// Posts `fields`, the CSRF token of `page` and `file` (its name and
    /// bytes, as field `file`) as `multipart/form-data`, as a browser sends a
    /// form with a file.
    pub async fn upload(
        &mut self,
        uri: &str,
        page: &Page,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Page {
        const BOUNDARY: &str = "anju-test-boundary-7f3a";
        let csrf = page.csrf();
        let mut body = Vec::new();
        for (name, value) in std::iter::once(("csrf", csrf.as_str())).chain(fields.iter().copied())
        {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        let (file_name, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.request(Method::POST, uri, Some((content_type, body)))
            .await
    }

    /// Sends a request with the cookies and `body` (its content type and
    /// bytes), and keeps the cookies the answer sets.
    async fn request(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Page {
        let mut request = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Body::from(bytes)
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
            html: String::from_utf8_lossy(&bytes).into_owned(),
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
