//! The benchmark suite: loads synthetic data at a chosen scale, starts the release server,
//! drives it with `wrk` (Debian's package) signed in as a coordinator, and prints for each page
//! requests per second and p50/p95/p99 latency, the write rate, the report time, the export
//! rate and the server's peak memory, each page also as a share of a bare actix-web handler's
//! throughput on the same machine (so figures from different machines compare).
//!
//!     cargo run --release --bin corridor-bench -- --incidents 1000000
//!
//! Needs `wrk` and `curl` (`apt-get install wrk curl`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    about = "Corridor's benchmark suite: load data, start the server, measure every page with wrk."
)]
struct Args {
    /// Synthetic incidents to load (convoys and needs: a tenth of this each).
    #[arg(long, default_value_t = 1_000_000)]
    incidents: u64,
    /// Data folder (reused when it already holds a loaded database of this size).
    #[arg(long, default_value = "target/bench-data")]
    data_dir: PathBuf,
    /// Seconds each page is driven for.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Open connections (wrk -c).
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Port for the server under test (the ceiling server uses the next one).
    #[arg(long, default_value_t = 18_080)]
    port: u16,
    /// Measure only what has this in its name ("search", "need", "create", "report",
    /// "export"); the ceiling is always measured.
    #[arg(long)]
    only: Option<String>,
}

/// One measured line of the table.
struct Measure {
    name: String,
    rps: f64,
    p50: f64,
    p95: f64,
    p99: f64,
    errors: u64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let exe = std::env::current_exe()?;
    let corridor = exe.with_file_name("corridor");
    anyhow::ensure!(
        corridor.exists(),
        "build the server first: cargo build --release (missing {})",
        corridor.display()
    );
    for tool in ["wrk", "curl"] {
        anyhow::ensure!(
            Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok(),
            "`{tool}` is needed: apt-get install {tool}"
        );
    }
    std::fs::create_dir_all(&args.data_dir)?;
    let marker = args.data_dir.join(format!("loaded-{}", args.incidents));
    let env = |c: &mut Command| {
        c.env("CORRIDOR_DATA_DIR", &args.data_dir)
            .env("RUST_LOG", "warn");
    };
    let mut password =
        std::fs::read_to_string(args.data_dir.join("bench-password")).unwrap_or_default();
    if !marker.exists() {
        eprintln!(
            "loading {} synthetic incidents into {} …",
            args.incidents,
            args.data_dir.display()
        );
        let _ = std::fs::remove_file(args.data_dir.join("corridor.db"));
        let started = Instant::now();
        let mut c = Command::new(&corridor);
        env(&mut c);
        let out = c
            .args(["demo", "--synthetic", &args.incidents.to_string()])
            .stderr(Stdio::inherit())
            .output()?;
        anyhow::ensure!(out.status.success(), "demo load failed");
        let text = String::from_utf8_lossy(&out.stdout);
        print!("{text}");
        password = text
            .lines()
            .find(|l| l.trim_start().starts_with("layla.coordinator"))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_default()
            .to_string();
        std::fs::write(args.data_dir.join("bench-password"), &password)?;
        std::fs::write(&marker, format!("{:.1} s", started.elapsed().as_secs_f64()))?;
    }
    let load_time = std::fs::read_to_string(&marker).unwrap_or_default();

    let base = format!("http://127.0.0.1:{}", args.port);
    let mut c = Command::new(&corridor);
    env(&mut c);
    let mut server = c
        .arg("serve")
        .env("CORRIDOR_BIND", format!("127.0.0.1:{}", args.port))
        .env("CORRIDOR_LOCKOUT_THRESHOLD", "100")
        .stdout(Stdio::null())
        .spawn()?;
    wait_ready(&base)?;
    let cookies = args.data_dir.join("bench-cookies.txt");
    let _ = std::fs::remove_file(&cookies);
    let token = csrf(&curl(&base, &cookies, &["/login"])?);
    curl(
        &base,
        &cookies,
        &[
            "-d",
            &format!("csrf_token={token}&username=layla.coordinator&password={password}"),
            "/login",
        ],
    )?;
    let session = std::fs::read_to_string(&cookies)?
        .lines()
        .find(|l| l.contains("corridor_session"))
        .and_then(|l| l.split('\t').next_back())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("sign-in failed: check the bench password"))?;
    let token = csrf(&curl(&base, &cookies, &["/incidents/new"])?);
    let script = args.data_dir.join("bench.lua");
    let cookie = format!("corridor_session={session}");

    let year_ago = "2025-01-01";
    let pages: Vec<(&str, String)> = vec![
        (
            "incident list: category + date range",
            "/incidents?category=movement_restriction&from=2024-01-01&to=2024-12-31".into(),
        ),
        (
            "incident list: free-text search",
            "/incidents?q=convoy+checkpoint".into(),
        ),
        ("incident detail", "/incidents/4242".into()),
        ("incident list: first page", "/incidents".into()),
        (
            "convoy list: status filter",
            "/convoys?status=blocked".into(),
        ),
        ("convoy list: first page", "/convoys".into()),
        ("need list: critical first", "/needs".into()),
        (
            "need list: filter",
            "/needs?urgency=critical&status=open".into(),
        ),
        ("home (coordinator)", "/".into()),
    ];
    let wanted = |name: &str| args.only.as_deref().is_none_or(|o| name.contains(o));
    let mut results = Vec::new();
    for (name, path) in pages.iter().filter(|(name, _)| wanted(name)) {
        write_get_script(&script, &cookie)?;
        results.push(wrk(
            name,
            &format!("{base}{path}"),
            &script,
            args.seconds,
            args.connections,
        )?);
    }
    // Writes: each request records a new incident (with claim, revision, search entry, audit event).
    if wanted("create incident (POST)") {
        write_post_script(&script, &cookie, &token)?;
        results.push(wrk(
            "create incident (POST)",
            &format!("{base}/incidents"),
            &script,
            args.seconds,
            args.connections,
        )?);
    }

    // The one-year situation report, five times.
    let mut report_times = Vec::new();
    for _ in 0..if wanted("report") { 5 } else { 0 } {
        let started = Instant::now();
        let body = curl(
            &base,
            &cookies,
            &[&format!("/reports/situation?from={year_ago}&to=2025-12-31")],
        )?;
        anyhow::ensure!(
            body.contains("figure-incidents"),
            "the report did not render"
        );
        report_times.push(started.elapsed().as_secs_f64());
    }
    // The full CSV export, saved so its records can be counted.
    let export_file = args.data_dir.join("export.csv");
    // The peak so far (pages, writes, reports); during the export, the resident size sampled
    // every 10 ms, for the export's own peak.
    let pages_peak_kb = peak_memory_kb(server.id());
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (sampling, pid) = (sampling.clone(), server.id());
        std::thread::spawn(move || {
            let mut peak = 0;
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(memory_kb(pid, "VmRSS:"));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let started = Instant::now();
    let export = Command::new(if wanted("export") { "curl" } else { "true" })
        .args([
            "-s",
            "-o",
            export_file.to_str().unwrap_or("export.csv"),
            "-w",
            "%{http_code} %{size_download}",
            "-b",
            &cookie,
            &format!("{base}/exports/incidents.csv"),
        ])
        .output()?;
    let export_secs = started.elapsed().as_secs_f64();
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let peak_kb = sampler.join().unwrap_or(0);
    let export_out = String::from_utf8_lossy(&export.stdout).to_string();
    stop(&mut server);

    // The ceiling: a bare actix-web handler returning a fixed small page.
    let ceiling_port = args.port + 1;
    std::thread::spawn(move || ceiling_server(ceiling_port));
    wait_ready(&format!("http://127.0.0.1:{ceiling_port}"))?;
    write_get_script(&script, "x=1")?;
    let ceiling = wrk(
        "bare actix-web handler (ceiling)",
        &format!("http://127.0.0.1:{ceiling_port}/healthz"),
        &script,
        args.seconds,
        args.connections,
    )?;

    println!();
    println!(
        "Corridor benchmark: {} incidents ({} convoys, {} needs); load took {load_time}",
        args.incidents,
        args.incidents / 10,
        args.incidents / 10
    );
    println!(
        "wrk: 2 threads, {} connections, {} s per page; signed in as a coordinator\n",
        args.connections, args.seconds
    );
    println!(
        "{:<40} {:>9} {:>8} {:>8} {:>8} {:>7} {:>8}",
        "page", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "ceiling"
    );
    for m in results.iter().chain([&ceiling]) {
        println!(
            "{:<40} {:>9.0} {:>8.1} {:>8.1} {:>8.1} {:>7} {:>7.1}%",
            m.name,
            m.rps,
            m.p50,
            m.p95,
            m.p99,
            m.errors,
            100.0 * m.rps / ceiling.rps.max(1.0)
        );
    }
    report_times.sort_by(f64::total_cmp);
    if let [_, _, median, _, slowest] = report_times[..] {
        println!("\none-year situation report: median {median:.3} s, slowest {slowest:.3} s");
    }
    let mut parts = export_out.split_whitespace();
    let (status, bytes) = (
        parts.next().unwrap_or("?"),
        parts
            .next()
            .and_then(|b| b.parse::<f64>().ok())
            .unwrap_or(0.0),
    );
    if status == "200" {
        // Records, not lines: a quoted field may hold a line break.
        let rows = csv_records(&export_file).saturating_sub(1) as f64;
        let _ = std::fs::remove_file(&export_file);
        println!(
            "full CSV export: {rows:.0} rows, {:.1} MB in {export_secs:.2} s ({:.0} rows/s)",
            bytes / 1e6,
            rows / export_secs
        );
    } else if wanted("export") {
        println!("full CSV export: not available (HTTP {status})");
    }
    println!(
        "server peak memory (VmHWM): {:.0} MB under the page load, {:.0} MB during the export",
        pages_peak_kb as f64 / 1024.0,
        peak_kb as f64 / 1024.0
    );
    Ok(())
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

fn wait_ready(base: &str) -> anyhow::Result<()> {
    for _ in 0..300 {
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

/// A wrk script that sends the session cookie and prints the latency percentiles it measured.
const REPORT_LUA: &str = r#"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %f %f %f %f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
"#;

fn write_get_script(path: &Path, cookie: &str) -> anyhow::Result<()> {
    let mut f = std::fs::File::create(path)?;
    writeln!(f, "wrk.headers[\"Cookie\"] = \"{cookie}\"")?;
    f.write_all(REPORT_LUA.as_bytes())?;
    Ok(())
}

fn write_post_script(path: &Path, cookie: &str, token: &str) -> anyhow::Result<()> {
    let body = [
        ("csrf_token", token),
        ("title", "Benchmark: convoy delayed at checkpoint"),
        (
            "narrative",
            "Held for several hours; medical items removed.",
        ),
        ("category", "movement_restriction"),
        ("occurred_on", "2025-06-01"),
        ("time_precision", "day"),
        ("reported_on", "2025-06-02"),
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
    let encoded = serde_urlencoded::to_string(body)?;
    let mut f = std::fs::File::create(path)?;
    writeln!(f, "wrk.method = \"POST\"")?;
    writeln!(f, "wrk.body = \"{encoded}\"")?;
    writeln!(
        f,
        "wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\""
    )?;
    writeln!(f, "wrk.headers[\"Cookie\"] = \"{cookie}\"")?;
    // A 303 is success for a form post; wrk counts only 4xx/5xx as errors.
    f.write_all(REPORT_LUA.as_bytes())?;
    Ok(())
}

fn wrk(
    name: &str,
    url: &str,
    script: &Path,
    seconds: u64,
    connections: u32,
) -> anyhow::Result<Measure> {
    // Requests still queued from the page before must not count against this one.
    std::thread::sleep(Duration::from_secs(5));
    eprintln!("measuring {name} …");
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()?;
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
    Ok(Measure {
        name: name.into(),
        rps: v[0],
        p50: v[1],
        p95: v[2],
        p99: v[3],
        errors: v[4] as u64,
    })
}

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

fn peak_memory_kb(pid: u32) -> u64 {
    memory_kb(pid, "VmHWM:")
}

/// A memory figure of `/proc/{pid}/status` (`VmHWM:` the peak, `VmRSS:` now), in KiB.
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

fn stop(server: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
}

/// The ceiling: the same framework with nothing to do but answer a fixed small page.
fn ceiling_server(port: u16) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><title>ok</title><p>ok</p></html>";
    let _ = actix_web::rt::System::new().block_on(async move {
        HttpServer::new(|| {
            App::new().route(
                "/healthz",
                web::get().to(|| async { HttpResponse::Ok().content_type("text/html").body(PAGE) }),
            )
        })
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run()
        .await
    });
}
