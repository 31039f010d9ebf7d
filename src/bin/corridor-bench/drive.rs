//! Driving the server: starting it on a target, signing in with curl, and measuring a URL with
//! `wrk` (latency percentiles from a small Lua script), plus the measures that are not pages:
//! writes, the situation report, the CSV export and the server's memory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::data::Target;

/// What a page compares with: the minimal one-row page, or the minimal 50-row list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    One,
    List,
}

/// One measured line.
#[derive(Debug, Clone)]
pub struct Measure {
    pub name: String,
    pub kind: Kind,
    pub rps: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub errors: u64,
}

/// How long and how hard each page is driven.
pub struct Run {
    pub seconds: u64,
    pub connections: u32,
}

/// A signed-in session: its cookie and a CSRF token for form posts.
pub struct Session {
    pub cookie: String,
    pub token: String,
}

/// The release server, started on one target.
pub struct Server {
    child: Child,
    base: String,
    dir: PathBuf,
}

impl Server {
    pub fn start(corridor: &Path, target: &Target, port: u16) -> anyhow::Result<Self> {
        let mut c = Command::new(corridor);
        target.env(&mut c);
        let child = c
            .arg("serve")
            .env("CORRIDOR_BIND", format!("127.0.0.1:{port}"))
            .env("CORRIDOR_LOCKOUT_THRESHOLD", "100")
            .stdout(Stdio::null())
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        wait_ready(&base)?;
        Ok(Self {
            child,
            base,
            dir: target.dir.clone(),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Issues an `internal` API token for the first organisation, through the administrator's
    /// own form (the secret is shown once, on the page that answers), with a rate a benchmark
    /// cannot reach in its window.
    pub fn api_token(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let cookies = self.dir.join(format!("cookies-{username}.txt"));
        let _ = std::fs::remove_file(&cookies);
        let token = csrf(&curl(&self.base, &cookies, &["/login"])?);
        let login = format!("csrf_token={token}&username={username}&password={password}");
        curl(&self.base, &cookies, &["-d", &login, "/login"])?;
        let form = curl(&self.base, &cookies, &["/admin/api-tokens"])?;
        let organization = form
            .split("name=\"organization_id\"")
            .nth(1)
            .and_then(|rest| {
                rest.split("<option value=\"")
                    .skip(1)
                    .map(|o| o[..o.find('"').unwrap_or(0)].to_string())
                    .find(|v| !v.is_empty())
            })
            .ok_or_else(|| {
                anyhow::anyhow!("{username} sees no organisation to issue a token for")
            })?;
        let expires = (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(30)).to_string();
        let body = serde_urlencoded::to_string([
            ("csrf_token", csrf(&form).as_str()),
            ("name", "benchmark"),
            ("scope", "internal"),
            ("organization_id", organization.as_str()),
            ("expires_on", expires.as_str()),
            ("rate_per_minute", "100000"),
        ])?;
        let issued = curl(&self.base, &cookies, &["-d", &body, "/admin/api-tokens"])?;
        let marker = "name=\"api-token-shown\" type=\"text\" readonly value=\"";
        issued
            .find(marker)
            .map(|i| {
                let rest = &issued[i + marker.len()..];
                rest[..rest.find('"').unwrap_or(0)].to_string()
            })
            .filter(|t| !t.is_empty())
            .ok_or_else(|| anyhow::anyhow!("no API token was issued to {username}"))
    }

    pub fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<Session> {
        let cookies = self.dir.join(format!("cookies-{username}.txt"));
        let _ = std::fs::remove_file(&cookies);
        let token = csrf(&curl(&self.base, &cookies, &["/login"])?);
        curl(
            &self.base,
            &cookies,
            &[
                "-d",
                &format!("csrf_token={token}&username={username}&password={password}"),
                "/login",
            ],
        )?;
        let session = std::fs::read_to_string(&cookies)?
            .lines()
            .find(|l| l.contains("corridor_session"))
            .and_then(|l| l.split('\t').next_back())
            .map(str::to_string)
            .ok_or_else(|| anyhow::anyhow!("{username} could not sign in"))?;
        let token = csrf(&curl(&self.base, &cookies, &["/incidents/new"])?);
        Ok(Session {
            cookie: format!("corridor_session={session}"),
            token,
        })
    }

    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Run {
    /// Drives a GET of `url` with the session's cookie.
    pub fn get(&self, name: &str, kind: Kind, url: &str, cookie: &str) -> anyhow::Result<Measure> {
        self.get_with(name, kind, url, ("Cookie", cookie))
    }

    /// Drives a GET of the API at `url` with a bearer token.
    pub fn get_api(&self, name: &str, url: &str, token: &str) -> anyhow::Result<Measure> {
        let bearer = format!("Bearer {token}");
        self.get_with(name, Kind::List, url, ("Authorization", &bearer))
    }

    fn get_with(
        &self,
        name: &str,
        kind: Kind,
        url: &str,
        (header, value): (&str, &str),
    ) -> anyhow::Result<Measure> {
        let script = script_file(name);
        let mut f = std::fs::File::create(&script)?;
        writeln!(f, "wrk.headers[\"{header}\"] = \"{value}\"")?;
        f.write_all(REPORT_LUA.as_bytes())?;
        self.wrk(name, kind, url, &script)
    }

    /// Drives a POST of a new incident (with claim, revision, search entry and audit event).
    /// Its words are none that a measured search looks for: a search walks the newest records
    /// first until it has counted 1,001 matches, so thousands of created matches on top let
    /// every later run's searches stop at once, where the data as loaded needs a walk through
    /// the newest 4,300 records for "medical" and 10,000 for "convoy checkpoint".
    pub fn create(&self, url: &str, session: &Session) -> anyhow::Result<Measure> {
        let name = "create incident (POST)";
        let body = [
            ("csrf_token", session.token.as_str()),
            ("title", "Benchmark: lorries held at the crossing"),
            ("narrative", "Held for several hours; some cargo removed."),
            ("category", "movement_restriction"),
            ("occurred_on", "2026-06-01"),
            ("time_precision", "day"),
            ("reported_on", "2026-06-02"),
            ("location", "Douma"),
            ("location_precision", "exact"),
            ("perpetrator_type", "unknown"),
            ("people_affected", "1200"),
            ("sensitivity", "restricted"),
            ("status", "submitted"),
            ("claim_source_type", "own_staff"),
            ("claim_reliability", "B"),
            ("claim_credibility", "2"),
            ("claim_date", "2025-06-02"),
            ("claim_statement", "Seen by our team."),
        ];
        let script = script_file(name);
        let mut f = std::fs::File::create(&script)?;
        writeln!(f, "wrk.method = \"POST\"")?;
        writeln!(f, "wrk.body = \"{}\"", serde_urlencoded::to_string(body)?)?;
        writeln!(
            f,
            "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\""
        )?;
        writeln!(f, "wrk.headers[\"Cookie\"] = \"{}\"", session.cookie)?;
        // A 303 is success for a form post; wrk counts only 4xx/5xx as errors.
        f.write_all(REPORT_LUA.as_bytes())?;
        self.wrk(name, Kind::One, url, &script)
    }

    fn wrk(&self, name: &str, kind: Kind, url: &str, script: &Path) -> anyhow::Result<Measure> {
        // Requests still queued from the page before must not count against this one.
        std::thread::sleep(Duration::from_secs(3));
        eprintln!("measuring {name} …");
        let out = Command::new("wrk")
            .args([
                "-t2",
                &format!("-c{}", self.connections),
                &format!("-d{}s", self.seconds),
                "--timeout",
                "10s",
                "-s",
            ])
            .arg(script)
            .arg(url)
            .output()?;
        let _ = std::fs::remove_file(script);
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with("RESULT"))
            .ok_or_else(|| anyhow::anyhow!("wrk gave no result for {name}: {text}"))?;
        let v: Vec<f64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|x| x.parse().ok())
            .collect();
        anyhow::ensure!(v.len() >= 5, "wrk's result for {name} is short: {line}");
        Ok(Measure {
            name: name.into(),
            kind,
            rps: v[0],
            p50: v[1],
            p95: v[2],
            p99: v[3],
            errors: v[4] as u64,
        })
    }
}

/// What is measured beside the pages, as a coordinator.
#[derive(Default)]
pub struct Extras {
    pub create: Option<Measure>,
    /// Seconds of five one-year situation reports, sorted.
    pub report_times: Vec<f64>,
    /// Rows, megabytes and seconds of the full CSV export.
    pub export: Option<(f64, f64, f64)>,
    pub pages_peak_mb: f64,
    pub export_peak_mb: f64,
    /// The peak of the server's own memory during the export (`RssAnon`: its heap and stacks),
    /// and of its file-backed pages (`RssFile`: on SQLite, its memory map of the database, pages
    /// of the operating system's cache that it gives back under memory pressure).
    pub export_peak_anon_mb: f64,
    pub export_peak_file_mb: f64,
}

pub fn extras(
    run: &Run,
    server: &mut Server,
    session: &Session,
    wanted: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Extras> {
    let mut x = Extras::default();
    if wanted("create incident (POST)") {
        x.create = Some(run.create(&server.url("/incidents"), session)?);
    }
    if wanted("report") {
        for _ in 0..5 {
            let started = Instant::now();
            let body = get(
                &server.url("/reports/situation?from=2025-01-01&to=2025-12-31"),
                &session.cookie,
                None,
            )?;
            anyhow::ensure!(
                body.contains("figure-incidents"),
                "the report did not render"
            );
            x.report_times.push(started.elapsed().as_secs_f64());
        }
        x.report_times.sort_by(f64::total_cmp);
    }
    x.pages_peak_mb = memory_kb(server.pid(), "VmHWM:") as f64 / 1024.0;
    if wanted("export") {
        // The resident size sampled every 10 ms during the export, for its own peak.
        let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let sampler = {
            let (sampling, pid) = (sampling.clone(), server.pid());
            std::thread::spawn(move || {
                let mut peak = [0; 3];
                while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                    for (k, field) in ["VmRSS:", "RssAnon:", "RssFile:"].iter().enumerate() {
                        peak[k] = peak[k].max(memory_kb(pid, field));
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                peak
            })
        };
        let file = server.dir.join("export.csv");
        let started = Instant::now();
        get(
            &server.url("/exports/incidents.csv"),
            &session.cookie,
            Some(&file),
        )?;
        let secs = started.elapsed().as_secs_f64();
        sampling.store(false, std::sync::atomic::Ordering::Relaxed);
        let [rss, anon, file_pages] = sampler
            .join()
            .unwrap_or_default()
            .map(|kb| kb as f64 / 1024.0);
        x.export_peak_mb = rss;
        x.export_peak_anon_mb = anon;
        x.export_peak_file_mb = file_pages;
        let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64;
        // Records, not lines: a quoted field may hold a line break.
        let rows = csv_records(&file).saturating_sub(1) as f64;
        let _ = std::fs::remove_file(&file);
        x.export = Some((rows, bytes / 1e6, secs));
    }
    Ok(x)
}

fn script_file(name: &str) -> PathBuf {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::env::temp_dir().join(format!("corridor-bench-{}-{slug}.lua", std::process::id()))
}

/// A GET with the session cookie; the body, or saved to `file`.
fn get(url: &str, cookie: &str, file: Option<&Path>) -> anyhow::Result<String> {
    let mut c = Command::new("curl");
    c.args(["-s", "-f", "-b", cookie]);
    if let Some(f) = file {
        c.arg("-o").arg(f);
    }
    let out = c.arg(url).output()?;
    anyhow::ensure!(out.status.success(), "GET {url} failed");
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn curl(base: &str, cookies: &Path, args: &[&str]) -> anyhow::Result<String> {
    let (path, rest) = args.split_last().expect("a path");
    let out = Command::new("curl")
        .arg("-s")
        .arg("-c")
        .arg(cookies)
        .arg("-b")
        .arg(cookies)
        .args(rest)
        .arg(format!("{base}{path}"))
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn csrf(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    page.find(marker)
        .map(|i| {
            let rest = &page[i + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .unwrap_or_default()
}

pub fn wait_ready(base: &str) -> anyhow::Result<()> {
    for _ in 0..600 {
        let ok = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                &format!("{base}/healthz"),
            ])
            .output();
        if ok.is_ok_and(|o| o.stdout == b"200") {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    anyhow::bail!("the server at {base} did not start")
}

/// A wrk script's end: prints the latency percentiles it measured.
const REPORT_LUA: &str = r#"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
"#;

/// Counts the CSV records of a file (line breaks inside quotes do not end a record).
fn csv_records(path: &Path) -> usize {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    let mut quoted = false;
    let mut records = 0;
    for b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => records += 1,
            _ => {}
        }
    }
    records
}

/// A memory figure of `/proc/{pid}/status` (`VmHWM:` the peak, `VmRSS:` now, `RssAnon:` and
/// `RssFile:` its two parts), in KiB.
fn memory_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
