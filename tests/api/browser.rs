//! A real browser for the journeys: Debian's `chromium`, headless, driven over WebDriver by
//! `chromedriver` (both from Debian's packages; nothing is downloaded).
//!
//! Each `Browser` starts its own chromedriver on a free port, in its own process group, with a
//! fresh Chromium profile; dropping it kills the whole group, so a failing test leaves no
//! browser behind. When the build found no chromedriver or Chromium (see `build.rs`) the
//! journeys are compiled as ignored, with the reason; `start` then is never called.
//!
//! The helpers act as a person does (type into a field found by the id its label points at,
//! press a button by its words, open a `<details>` by its summary) and read what is visible.
//! A failed step saves a screenshot and the page's text before it panics, under
//! `target/browser-artifacts/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};

use crate::helpers::{Backend, TestApp};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Where screenshots and logs go: `target/browser-artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts");
    std::fs::create_dir_all(&dir).expect("create target/browser-artifacts");
    dir
}

/// The chromedriver to use: `CHROMEDRIVER` if set (a path), else `chromedriver` on the PATH.
fn find_chromedriver() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMEDRIVER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
}

/// A chromedriver process (and, through its process group, the Chromium it starts).
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    async fn start(exe: &Path, log: &Path) -> Driver {
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut cmd = Command::new(exe);
            // The browser's locale decides the order of a date field's parts: pin it.
            cmd.env("LANG", "en_US.UTF-8")
                .env("LANGUAGE", "en_US")
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
            let child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
            let mut driver = Driver { child, port };
            match driver.wait_ready().await {
                Ok(()) => return driver,
                Err(e) => last_error = e,
            }
        }
        panic!(
            "chromedriver did not start: {last_error} (log: {})",
            log.display()
        );
    }

    /// Polls `/status` until chromedriver answers ready (at most 20 s).
    async fn wait_ready(&mut self) -> Result<(), String> {
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/status", self.port);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromedriver exited: {status}"));
            }
            if let Ok(res) = client.get(&url).send().await {
                if let Ok(body) = res.json::<serde_json::Value>().await {
                    if body["value"]["ready"] == serde_json::Value::Bool(true) {
                        return Ok(());
                    }
                }
            }
            if Instant::now() > deadline {
                return Err("no answer on /status within 20 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser processes it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// One headless Chromium session against one running test app.
pub struct Browser {
    client: Client,
    base: String,
    name: String,
    // Dropped in this order: the WebDriver client, then the driver (killing the browser), then
    // the profile directory.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium for the test at `test_path` (pass
    /// `module_path!()` from a `both_backends!` body: its last part is the test's name).
    /// Panics when chromedriver or Chromium is missing (the journeys are ignored when the build
    /// found them missing, so here that is a machine changed since the build).
    pub async fn start(app: &TestApp, test_path: &str) -> Browser {
        Self::start_in(app, test_path, "en-US").await
    }

    /// As `start`, for a person whose browser asks for `accept_language` (`ar`, `fr`): the
    /// languages Chromium sends in `Accept-Language`. Chromium's own interface stays in
    /// English (see `Driver::start`), so date fields take the same keys in every journey.
    pub async fn start_in(app: &TestApp, test_path: &str, accept_language: &str) -> Browser {
        let test = test_path.rsplit("::").next().unwrap_or(test_path);
        let backend = match app.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let name = format!("{test}-{backend}");
        let missing = match find_chromedriver() {
            None => Some("chromedriver is not installed (apt-get install chromium-driver)".into()),
            Some(_) if !Path::new(CHROMIUM).exists() => Some(format!(
                "{CHROMIUM} is not installed (apt-get install chromium)"
            )),
            Some(_) => None,
        };
        if let Some(why) = missing {
            panic!("browser journey {name}: {why}");
        }
        let exe = find_chromedriver().expect("chromedriver");
        let dir = artifacts_dir();
        for stale in [format!("{name}.png"), format!("{name}-failure.png")] {
            let _ = std::fs::remove_file(dir.join(stale));
        }
        let driver = Driver::start(&exe, &dir.join(format!("{name}.chromedriver.log"))).await;
        let profile = tempfile::tempdir().expect("profile dir");
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            format!("--user-data-dir={}", profile.path().display()),
            "--window-size=1280,2000".into(),
            format!("--accept-lang={accept_language}"),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": args,
                "prefs": { "intl": { "accept_languages": accept_language } },
            }),
        );
        caps.insert(
            "timeouts".into(),
            serde_json::json!({ "pageLoad": 30_000, "script": 10_000, "implicit": 0 }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .unwrap_or_else(|e| panic!("new Chromium session for {name}: {e}"));
        Browser {
            client,
            base: app.address.clone(),
            name,
            _driver: driver,
            _profile: profile,
        }
    }

    /// The underlying WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `path` on the app (or a full URL).
    pub async fn goto(&self, path: &str) {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        };
        if let Err(e) = self.client.goto(&url).await {
            self.fail(&format!("open {url}: {e}")).await;
        }
    }

    /// The current address, less the app's origin (`/incidents/1?done=created`).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        let mut out = url.path().to_string();
        if let Some(q) = url.query() {
            out.push('?');
            out.push_str(q);
        }
        out
    }

    pub async fn back(&self) {
        if let Err(e) = self.client.back().await {
            self.fail(&format!("go back: {e}")).await;
        }
    }

    /// The element with this id; fails the test (with a screenshot) if there is none.
    pub async fn by_id(&self, id: &str) -> Element {
        match self.client.find(Locator::Id(id)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("no element with id {id:?}: {e}")).await,
        }
    }

    /// The first element matching a CSS selector.
    pub async fn by_css(&self, css: &str) -> Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("nothing matches {css:?}: {e}")).await,
        }
    }

    /// Types `value` into the field with this id, replacing what was there. The field must be
    /// named by a `<label for=id>`, as every field a person fills should be.
    pub async fn fill(&self, id: &str, value: &str) {
        self.expect_label(id).await;
        let field = self.by_id(id).await;
        if let Err(e) = field.clear().await {
            self.fail(&format!("clear {id:?}: {e}")).await;
        }
        if !value.is_empty() {
            let kind = field.attr("type").await.ok().flatten().unwrap_or_default();
            let keys = if kind == "date" {
                date_keys(value)
            } else {
                value.to_string()
            };
            if let Err(e) = field.send_keys(&keys).await {
                self.fail(&format!("type into {id:?}: {e}")).await;
            }
        }
        let now = self.value(id).await;
        if now != value {
            self.fail(&format!(
                "typed {value:?} into {id:?} but the field holds {now:?}"
            ))
            .await;
        }
    }

    /// Picks the option with the visible text `label` in the drop-down with this id.
    pub async fn choose(&self, id: &str, label: &str) {
        self.expect_label(id).await;
        let select = self.by_id(id).await;
        if let Err(e) = select.select_by_label(label).await {
            self.fail(&format!("choose {label:?} in {id:?}: {e}")).await;
        }
    }

    /// Ticks the radio button or checkbox with this id by clicking its label, as a person does.
    pub async fn check(&self, id: &str) {
        let label = self.expect_label(id).await;
        if let Err(e) = label.click().await {
            self.fail(&format!("click the label of {id:?}: {e}")).await;
        }
        if !self.is_checked(id).await {
            self.fail(&format!("clicking the label of {id:?} did not tick it"))
                .await;
        }
    }

    pub async fn is_checked(&self, id: &str) -> bool {
        self.by_id(id).await.is_selected().await.unwrap_or(false)
    }

    /// The current value of a form control (the DOM property, i.e. what the person sees).
    pub async fn value(&self, id: &str) -> String {
        match self.by_id(id).await.prop("value").await {
            Ok(v) => v.unwrap_or_default(),
            Err(e) => self.fail(&format!("read the value of {id:?}: {e}")).await,
        }
    }

    /// The `<label for=id>` of a control; fails the test if the control has none.
    async fn expect_label(&self, id: &str) -> Element {
        match self
            .client
            .find(Locator::Css(&format!("label[for=\"{id}\"]")))
            .await
        {
            Ok(label) => label,
            Err(_) => {
                self.fail(&format!("field {id:?} has no <label for={id:?}>"))
                    .await
            }
        }
    }

    /// Presses the (visible) button whose words are `text`, and waits for the page it leads to.
    pub async fn press(&self, text: &str) {
        let xpath = format!("//button[normalize-space(.)={}]", xpath_literal(text));
        self.click_visible(&xpath, &format!("button {text:?}"))
            .await;
    }

    /// Follows the (visible) link whose words are `text`, and waits for the page.
    pub async fn follow(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        self.click_visible(&xpath, &format!("link {text:?}")).await;
    }

    /// Opens the `<details>` whose summary reads `text`.
    pub async fn open(&self, text: &str) {
        let xpath = format!(
            "//details[summary[normalize-space(.)={}]]",
            xpath_literal(text)
        );
        let details = match self.client.find(Locator::XPath(&xpath)).await {
            Ok(d) => d,
            Err(e) => self.fail(&format!("no <details> {text:?}: {e}")).await,
        };
        if details.attr("open").await.ok().flatten().is_none() {
            let summary = details
                .find(Locator::Css("summary"))
                .await
                .expect("summary");
            if let Err(e) = summary.click().await {
                self.fail(&format!("open {text:?}: {e}")).await;
            }
        }
        if details.attr("open").await.ok().flatten().is_none() {
            self.fail(&format!("<details> {text:?} did not open")).await;
        }
    }

    /// Clicks the first visible element matching `xpath`, then waits for the new page.
    async fn click_visible(&self, xpath: &str, what: &str) {
        let found = self
            .client
            .find_all(Locator::XPath(xpath))
            .await
            .unwrap_or_default();
        for el in found {
            if el.is_displayed().await.unwrap_or(false) {
                self.click_to_new_page(&el, what).await;
                return;
            }
        }
        self.fail(&format!("no visible {what} on the page")).await;
    }

    /// Clicks `el` and waits (at most 15 s) until the browser has left the current page: the
    /// old document's root element goes stale. WebDriver's click does not always wait for the
    /// navigation it starts, and reading the old page then gives false answers.
    pub async fn click_to_new_page(&self, el: &Element, what: &str) {
        let old = match self.client.find(Locator::Css("html")).await {
            Ok(html) => html,
            Err(e) => {
                self.fail(&format!("no page before clicking {what}: {e}"))
                    .await
            }
        };
        if let Err(e) = el.click().await {
            self.fail(&format!("click {what}: {e}")).await;
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        while old.tag_name().await.is_ok() {
            if Instant::now() > deadline {
                self.fail(&format!("clicking {what} did not lead to a new page"))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The links of the error summary at the top of a form: (target, words) for each.
    pub async fn error_links(&self) -> Vec<(String, String)> {
        let links = self
            .client
            .find_all(Locator::Css(".error-summary a"))
            .await
            .unwrap_or_default();
        let mut out = Vec::new();
        for a in links {
            let href = a.attr("href").await.ok().flatten().unwrap_or_default();
            out.push((href, a.text().await.unwrap_or_default()));
        }
        out
    }

    /// The text a person sees on the page (rendered text: closed `<details>` are left out).
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The visible text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        self.by_css(css).await.text().await.unwrap_or_default()
    }

    /// Fails unless the page shows `needle` (within 2 s).
    pub async fn sees(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.text().await.contains(needle) {
            if Instant::now() > deadline {
                self.fail(&format!("the page does not show {needle:?}"))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Fails if the page's text or its HTML contains `needle`.
    pub async fn never_sees(&self, needle: &str) {
        let text = self.text().await;
        let source = self.client.source().await.unwrap_or_default();
        if text.contains(needle) || source.contains(needle) {
            self.fail(&format!("the page shows {needle:?}")).await;
        }
    }

    /// Saves a screenshot of what the window shows as `target/browser-artifacts/<name>.png`
    /// (the test's name and backend, plus `suffix` if not empty); returns the file.
    pub async fn screenshot(&self, suffix: &str) -> PathBuf {
        let file = if suffix.is_empty() {
            format!("{}.png", self.name)
        } else {
            format!("{}-{suffix}.png", self.name)
        };
        let path = artifacts_dir().join(file);
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Saves a screenshot and the page's text, then fails the test with `message`.
    pub async fn fail(&self, message: &str) -> ! {
        let path = self.path().await;
        let shot = match self.client.screenshot().await {
            Ok(png) => {
                let p = artifacts_dir().join(format!("{}-failure.png", self.name));
                let _ = std::fs::write(&p, png);
                p.display().to_string()
            }
            Err(e) => format!("(no screenshot: {e})"),
        };
        let text = self.text().await;
        panic!("{message}\n  at {path}\n  screenshot: {shot}\n--- page text ---\n{text}\n---");
    }

    /// Ends the session (Chromium quits); the driver is killed when `self` is dropped.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// What a person types into Chromium's date field (month, day, year: the browser runs in
/// en-US) to get the ISO date `value`; other text is typed as it is.
fn date_keys(value: &str) -> String {
    let parts: Vec<&str> = value.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{m}{d}{y}"),
        _ => value.to_string(),
    }
}

/// An XPath string literal for any text (XPath 1.0 has no escapes).
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
