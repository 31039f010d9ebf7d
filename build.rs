// The migrations are embedded in the binary (`embed_migrations!`): rebuild when one is added
// or changed, not only when Rust code changes.
//
// The integration tests need things the machine may lack (a PostgreSQL server, a browser,
// poppler's PDF tools, the right to mount a tmpfs, libhxl's hxlvalidate). What is there is decided here, once per
// build, and given to the tests as `cfg`s: a test whose needs are missing is compiled with
// `#[ignore = "needs …"]`, so `cargo test` reports it as ignored with the reason instead of
// passing it after doing nothing (and CI, which must run everything, fails on any ignored test).
use std::env;
use std::path::{Path, PathBuf};

/// Every environment cfg a test may ask for; declared so that a misspelt one is a warning.
const TEST_CFGS: &[&str] = &[
    "corridor_test_postgres",
    "corridor_test_browser",
    "corridor_test_pdftotext",
    "corridor_test_tmpfs",
    "corridor_test_hxlvalidate",
];

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    for cfg in TEST_CFGS {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
    }
    for var in [
        "CORRIDOR_TEST_POSTGRES_URL",
        "CHROMEDRIVER",
        "HXLVALIDATE",
        "PATH",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    // A tool installed later lands in one of these folders: look again when one changes.
    for dir in search_path() {
        println!("cargo:rerun-if-changed={}", dir.display());
    }

    if env::var("CORRIDOR_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        println!("cargo:rustc-cfg=corridor_test_postgres");
    }
    let chromedriver = match env::var_os("CHROMEDRIVER").filter(|p| !p.is_empty()) {
        Some(p) => Path::new(&p).is_file(),
        None => on_path("chromedriver"),
    };
    if chromedriver && Path::new("/usr/bin/chromium").exists() {
        println!("cargo:rustc-cfg=corridor_test_browser");
    }
    if on_path("pdftotext") && on_path("pdfinfo") {
        println!("cargo:rustc-cfg=corridor_test_pdftotext");
    }
    // libhxl's validator (PyPI `libhxl`), on PATH or named by HXLVALIDATE.
    let hxlvalidate = match env::var_os("HXLVALIDATE").filter(|p| !p.is_empty()) {
        Some(p) => Path::new(&p).is_file(),
        None => on_path("hxlvalidate"),
    };
    if hxlvalidate {
        println!("cargo:rustc-cfg=corridor_test_hxlvalidate");
    }
    if on_path("mount") && may_mount() {
        println!("cargo:rustc-cfg=corridor_test_tmpfs");
    }
}

/// The absolute folders of `PATH`, and `/usr/bin` where Debian's packages put their programs.
fn search_path() -> Vec<PathBuf> {
    let path = env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .filter(|d| d.is_absolute() && d.is_dir())
        .collect();
    dirs.dedup();
    dirs
}

fn on_path(program: &str) -> bool {
    search_path().iter().any(|d| d.join(program).is_file())
}

/// Can this process mount file systems (CAP_SYS_ADMIN in its effective set, as root has
/// outside restricted containers)? Linux only; elsewhere the full-disk test is ignored.
fn may_mount() -> bool {
    const CAP_SYS_ADMIN: u32 = 21;
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
            u64::from_str_radix(hex.trim(), 16).ok()
        })
        .is_some_and(|caps| caps & (1 << CAP_SYS_ADMIN) != 0)
}
