//! The tables the benchmark prints: one per size measured, then the cost curve (each page's p95
//! at each size) and the ceiling.

use crate::data::Target;
use crate::drive::{Extras, Measure, Run};
use crate::minimal::Minimal;

const HEADER: [&str; 7] = [
    "page",
    "req/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "errors",
    "of minimal",
];

pub fn target(
    target: &Target,
    scale: u64,
    load_time: &str,
    run: &Run,
    measures: &[Measure],
    minimal: &Minimal,
    extras: &Extras,
) {
    println!();
    println!(
        "Corridor on {}: {scale} incidents ({} convoys, {} needs); load took {load_time}",
        target.backend(),
        scale / 10,
        scale / 10
    );
    println!(
        "wrk: 2 threads, {} connections, {} s per page",
        run.connections, run.seconds
    );
    println!(
        "{:<58} {:>8} {:>7} {:>7} {:>7} {:>6} {:>10}",
        HEADER[0], HEADER[1], HEADER[2], HEADER[3], HEADER[4], HEADER[5], HEADER[6]
    );
    let line = |m: &Measure, share: Option<f64>| {
        println!(
            "{:<58} {:>8.0} {:>7.1} {:>7.1} {:>7.1} {:>6} {:>10}",
            m.name,
            m.rps,
            m.p50,
            m.p95,
            m.p99,
            m.errors,
            share.map_or_else(String::new, |s| format!("{:.0}%", 100.0 * s))
        )
    };
    for m in measures.iter().chain(extras.create.as_ref()) {
        line(m, Some(m.rps / minimal.of(m.kind).rps.max(1.0)));
    }
    line(&minimal.one, None);
    line(&minimal.list, None);
    if let [_, _, median, _, slowest] = extras.report_times[..] {
        println!("one-year situation report: median {median:.3} s, slowest {slowest:.3} s");
    }
    if let Some((rows, mb, secs)) = extras.export {
        println!(
            "full CSV export: {rows:.0} rows, {mb:.1} MB in {secs:.2} s ({:.0} rows/s)",
            rows / secs.max(0.001)
        );
    }
    println!(
        "server peak memory (VmHWM): {:.0} MB under the page load; {:.0} MB during the export",
        extras.pages_peak_mb, extras.export_peak_mb
    );
    if extras.export.is_some() {
        println!(
            "  during the export: the server's own memory (RssAnon) peaked at {:.0} MB; its \
             file-backed pages (RssFile: on SQLite, the database's memory map, pages of the \
             operating system's cache) at {:.0} MB",
            extras.export_peak_anon_mb, extras.export_peak_file_mb
        );
    }
}

/// Each page's p95 at each size, so a page whose cost grows with the data shows it.
pub fn curve(runs: &[(u64, Vec<Measure>)], ceiling: &Measure) {
    println!();
    println!("Cost curve: p95 in ms by size");
    print!("{:<58}", "page");
    for (scale, _) in runs {
        print!(" {:>11}", scale);
    }
    println!();
    let names: Vec<&str> = runs
        .first()
        .map(|(_, ms)| ms.iter().map(|m| m.name.as_str()).collect())
        .unwrap_or_default();
    for name in names {
        print!("{name:<58}");
        for (_, ms) in runs {
            match ms.iter().find(|m| m.name == name) {
                Some(m) => print!(" {:>11.1}", m.p95),
                None => print!(" {:>11}", "-"),
            }
        }
        println!();
    }
    println!(
        "\n{}: {:.0} req/s, p95 {:.1} ms",
        ceiling.name, ceiling.rps, ceiling.p95
    );
}
