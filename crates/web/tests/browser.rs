//! 浏览器测试 — the pages in a real headless Chromium, driven through chromedriver
//! (WebDriver): a village station logs in and registers a person, sees the person
//! page, registers his wife and links him to her from her page by his ID number,
//! then the district officer sees the dashboard's numerator move by two, sends a
//! police file of two more arrivals from the import page, which follows the
//! import to its report, and sees the numerator move by two again. No
//! page may log a JavaScript error; a screenshot of every step is kept in
//! `target/browser-artifacts/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (scripts/test.sh installs them).
//! Without chromedriver the test is skipped, unless ANJU_REQUIRE_BROWSER is set
//! (as scripts/test.sh does), when it fails.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use domain::access::Role;
use domain::resident_id::{ResidentId, Sex};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use support::*;

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free local port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Chromium's console messages since the last call (chromedriver's log endpoint).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// Where screenshots go.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The browser and what a scenario checks after every page.
struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
}

impl Browser {
    async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Keeps a screenshot named `name` and fails on any JavaScript error so far.
    async fn check(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
        let log = self.client.issue_cmd(BrowserLog).await.unwrap();
        let errors: Vec<&Value> = log
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .collect();
        assert!(errors.is_empty(), "JavaScript errors on {name}: {errors:?}");
    }

    async fn fill(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Waits up to five seconds for `css` to show `wanted`.
    async fn wait_text(&self, css: &str, wanted: impl Fn(&str) -> bool) -> String {
        for _ in 0..50 {
            let text = self.text(css).await;
            if wanted(&text) {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{css} never showed what was wanted; it shows {:?}",
            self.text(css).await
        );
    }

    async fn login(&self, login: &str) {
        self.goto("/login").await;
        self.fill("login", login).await;
        self.fill("password", PASSWORD).await;
        self.click_then_wait("form button[type=submit]", Locator::Css("header nav"))
            .await;
    }

    async fn logout(&self) {
        self.click_then_wait("form[action='/logout'] button", Locator::Id("login"))
            .await;
    }

    /// Clicks the button `button` (CSS) and waits until the page has `then`.
    async fn click_then_wait(&self, button: &str, then: Locator<'_>) {
        self.client
            .find(Locator::Css(button))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.client.wait().for_element(then).await.unwrap();
    }

    /// The numerator of R1 (persons registered) in the dashboard's own table.
    async fn registered(&self) -> i64 {
        let cell = self
            .client
            .find(Locator::XPath("//table[contains(@class,'figures')]//tr[td/a[starts-with(normalize-space(.), 'R1 ')]]/td[contains(@class,'fraction')]"))
            .await
            .unwrap();
        let text = cell.text().await.unwrap();
        text.split('/')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("a numerator in {text:?}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_station_registers_the_district_imports_and_sees_the_numerator_move() {
    let Ok(version) = Command::new("chromedriver").arg("--version").output() else {
        assert!(
            std::env::var_os("ANJU_REQUIRE_BROWSER").is_none(),
            "chromedriver is not installed; scripts/test.sh installs chromium and chromium-driver"
        );
        eprintln!("browser test skipped: no chromedriver (scripts/test.sh installs it)");
        return;
    };
    assert!(version.status.success());

    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    test.user("officer", Role::Officer, "320211");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, web::router(test.app.clone())).into_future());

    let port = free_port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut options = json!({"args": ["--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--window-size=1366,768"]});
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    capabilities.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let mut client = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(connected) => {
                client = Some(connected);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let browser = Browser {
        client: client.expect("chromedriver answers"),
        base,
        shots: artifacts(),
    };

    browser.login("station").await;
    browser.check("01-station-home").await;
    browser.goto("/persons/new").await;
    let wrong = wrong_check_digit(&resident_id(3));
    browser.fill("resident_id", &wrong).await;
    browser
        .wait_text("#id-error", |text| text.starts_with("校验码应为"))
        .await;
    browser.check("02-wrong-check-digit").await;
    browser.fill("resident_id", resident_id(3).as_str()).await;
    browser
        .wait_text("#id-birth", |text| text == "1990-05-17")
        .await;
    assert_eq!(browser.text("#id-sex").await, "男");
    assert_eq!(browser.text("#id-origin").await, "340102 安徽省");
    assert_eq!(browser.text("#id-error").await, "");
    browser.fill("name", "王·䶮").await;
    browser.check("03-registration-form").await;
    browser
        .click_then_wait(
            "form[action='/persons/new'] button[type=submit]",
            Locator::Id("timeline"),
        )
        .await;
    assert_eq!(browser.text(".person-name").await, "王·䶮");
    assert!(browser.text("table.timeline").await.contains("来人登记"));
    browser.check("04-person-page").await;

    // His wife is registered next, and linked to him from her page by his ID
    // number; her page then names him.
    let wife = ResidentId::synthesize(340102, date("1992-03-08"), 5, Sex::Female);
    browser.goto("/persons/new").await;
    browser.fill("resident_id", wife.as_str()).await;
    browser.fill("name", "李秀英").await;
    browser
        .click_then_wait(
            "form[action='/persons/new'] button[type=submit]",
            Locator::Id("timeline"),
        )
        .await;
    browser.fill("relative", resident_id(3).as_str()).await;
    browser
        .click_then_wait(
            "form[action$='/family'] button[type=submit]",
            Locator::Css("ul.family"),
        )
        .await;
    assert!(browser.text("ul.family").await.contains("配偶：王·䶮"));
    browser.check("05-family-linked").await;
    browser.logout().await;

    browser.login("officer").await;
    browser.check("06-officer-home").await;
    browser.goto("/dashboard").await;
    assert_eq!(browser.registered().await, 2);
    browser.check("07-dashboard-after").await;
    // The numerator counted before the registrations, as of the day before.
    let yesterday = web::today().yesterday().unwrap();
    browser.goto(&format!("/dashboard?as_of={yesterday}")).await;
    assert_eq!(browser.registered().await, 0);
    browser.check("08-dashboard-before").await;

    // The officer sends a police file of two arrivals from the import page,
    // which follows the import to its report; the dashboard counts them at once.
    let file = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    let rows: String = [resident_id(11), resident_id(13)]
        .iter()
        .map(|id| format!("{},张伟,2024-03-01,{BINHU_VILLAGE},自购房,,\n", id.as_str()))
        .collect();
    std::fs::write(
        file.path(),
        format!("身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n{rows}"),
    )
    .unwrap();
    browser.goto("/imports").await;
    let input = browser.client.find(Locator::Id("file")).await.unwrap();
    input
        .send_keys(&file.path().display().to_string())
        .await
        .unwrap();
    browser.check("09-import-form").await;
    browser
        .click_then_wait(
            "form[action='/imports'] button[type=submit]",
            Locator::Css("p.outcome"),
        )
        .await;
    browser.check("10-import-report").await;
    assert_eq!(
        browser.text("p.outcome").await,
        "已写入",
        "{}",
        browser.text("main").await
    );
    browser.goto("/dashboard").await;
    assert_eq!(browser.registered().await, 4);
    browser.client.close().await.unwrap();
}
