//! The benchmark suite. For each database size of `--scale` (and on SQLite, or the PostgreSQL
//! server of `--database-url`) it loads synthetic data once, starts the release server, signs in
//! as each role of `--roles` and drives every list and detail page with `wrk` (Debian's package),
//! then measures writes, the one-year situation report, the full CSV export and the server's
//! memory. In the same run it measures a minimal page on the same stack (actix-web + diesel +
//! askama, one indexed query, rendered) and a bare actix-web handler, and prints each page as a
//! share of the minimal page, so figures from different machines compare. At the end, the cost
//! curve: each page's p95 at each size.
//!
//!     cargo build --release
//!     cargo run --release --bin corridor-bench -- --scale 10000,100000,1000000
//!     cargo run --release --bin corridor-bench -- --database-url postgres://u:p@127.0.0.1/postgres
//!
//! Needs `wrk` and `curl` (`apt-get install wrk curl`).

mod data;
mod drive;
mod minimal;
mod print;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

use data::Target;
use drive::{Kind, Measure, Server};

#[derive(Debug, Parser)]
#[command(
    about = "Corridor's benchmark suite: load data at each size, start the server, measure every page \
             with wrk for each role, and print the cost curve."
)]
struct Args {
    /// Sizes to measure, in incidents, comma-separated (convoys and needs: a tenth of each).
    /// Each size is loaded once and kept for the next run.
    #[arg(
        long,
        alias = "incidents",
        value_delimiter = ',',
        default_value = "1000000"
    )]
    scale: Vec<u64>,
    /// A PostgreSQL server to measure instead of SQLite (`postgres://user:pass@host/db`): each
    /// size gets its own database, `corridor_bench_<size>`, made on that server.
    #[arg(long)]
    database_url: Option<String>,
    /// Roles to sign in as, comma-separated: `coordinator` sees every record, `reporter` (WHO)
    /// has every row filtered by the visibility rules.
    #[arg(long, value_delimiter = ',', default_value = "coordinator,reporter")]
    roles: Vec<String>,
    /// Folder for the loaded databases (SQLite) and the server's keys.
    #[arg(long, default_value = "target/bench-data")]
    data_dir: PathBuf,
    /// Seconds each page is driven for.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Open connections (wrk -c).
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Port for the server under test (the minimal page and the ceiling use the next two).
    #[arg(long, default_value_t = 18_080)]
    port: u16,
    /// Measure only what has this in its name ("search", "need", "create", "report",
    /// "export"); the minimal page and the ceiling are always measured.
    #[arg(long)]
    only: Option<String>,
}

/// The pages measured: name, path, whether a reporter sees it too, and what it compares with.
fn pages() -> Vec<(&'static str, &'static str, Kind)> {
    vec![
        (
            "incident list: category + year",
            "/incidents?category=movement_restriction&from=2024-01-01&to=2024-12-31",
            Kind::List,
        ),
        (
            "incident list: search \"convoy checkpoint\"",
            "/incidents?q=convoy+checkpoint",
            Kind::List,
        ),
        (
            "incident list: search \"medical\"",
            "/incidents?q=medical",
            Kind::List,
        ),
        ("incident detail", "/incidents/4242", Kind::One),
        ("incident list: first page", "/incidents", Kind::List),
        (
            "convoy list: status filter",
            "/convoys?status=blocked",
            Kind::List,
        ),
        ("convoy list: first page", "/convoys", Kind::List),
        ("need list: critical first", "/needs", Kind::List),
        (
            "need list: urgency + status",
            "/needs?urgency=critical&status=open",
            Kind::List,
        ),
        ("home", "/", Kind::List),
        // Pages that read incidents by place: an index changed for another page once made
        // them forty to fifty times slower (timed by hand) with nothing measuring them.
        (
            "incident list: one governorate",
            "/incidents?admin1=Aleppo",
            Kind::List,
        ),
        ("incident map", "/incidents/map", Kind::List),
    ]
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let corridor = std::env::current_exe()?.with_file_name("corridor");
    anyhow::ensure!(
        corridor.exists(),
        "build the server first: cargo build --release (missing {})",
        corridor.display()
    );
    for tool in ["wrk", "curl"] {
        anyhow::ensure!(
            std::process::Command::new(tool)
                .arg("--version")
                .output()
                .is_ok(),
            "{tool} is missing: apt-get install wrk curl"
        );
    }
    let wanted = |name: &str| args.only.as_deref().is_none_or(|o| name.contains(o));
    let run = drive::Run {
        seconds: args.seconds,
        connections: args.connections,
    };
    let started = Instant::now();
    let mut curve: Vec<(u64, Vec<Measure>)> = Vec::new();
    for &scale in &args.scale {
        let target = Target::new(&args.data_dir, args.database_url.as_deref(), scale)?;
        let loaded = target.ensure_loaded(&corridor)?;
        eprintln!(
            "{}: {} incidents; load took {}",
            target.backend(),
            scale,
            loaded.load_time
        );

        let mut server = Server::start(&corridor, &target, args.port)?;
        let mut measures = Vec::new();
        for role in &args.roles {
            let account = loaded.account(role)?;
            let session = server.sign_in(&account.username, &account.password)?;
            for (name, path, kind) in pages() {
                if wanted(name) {
                    let m = run.get(
                        &format!("{name} ({role})"),
                        kind,
                        &server.url(path),
                        &session.cookie,
                    )?;
                    measures.push(m);
                }
            }
        }
        // The read API's first page of incidents, beside the HTML list's.
        let api = "API incident list: first page (JSON, internal token)";
        if wanted(api) {
            let admin = loaded.account("admin")?;
            let token = server.api_token(&admin.username, &admin.password)?;
            measures.push(run.get_api(api, &server.url("/api/v1/incidents"), &token)?);
        }
        let coordinator = loaded.account("coordinator")?;
        let session = server.sign_in(&coordinator.username, &coordinator.password)?;
        let extras = drive::extras(&run, &mut server, &session, &wanted)?;
        server.stop();

        // The same stack with one indexed query, on the same database, in the same window.
        let minimal = minimal::measure(&run, &target, args.port + 1)?;
        print::target(
            &target,
            scale,
            &loaded.load_time,
            &run,
            &measures,
            &minimal,
            &extras,
        );
        measures.extend(extras.create);
        measures.extend(minimal.into_measures());
        curve.push((scale, measures));
    }
    let ceiling = minimal::ceiling(&run, args.port + 2)?;
    print::curve(&curve, &ceiling);
    eprintln!("done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
