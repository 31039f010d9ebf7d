use std::process::ExitCode;

/// The server allocates and frees small pieces by the thousand a page (rows read, views built,
/// JSON and HTML written), from many threads. Under glibc's allocator that was a seventh of the
/// coordinator's home page and a quarter of the read API; with jemalloc, alternating with the
/// same code under sixteen connections, the home page answered 1,399–1,699 requests a second
/// against 904–1,122 and the API 1,049–1,163 against 910–951, and the server's own memory
/// during the full export peaked at 71–86 MB against 100–107 MB. (mimalloc, tried earlier, held
/// 124–128 MB during the export.) The C libraries (SQLite, libpq) keep glibc's allocator.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts (the crate prefixes its symbols with `_rjem_`): as
/// many arenas as glibc was allowed (`cli::tune_malloc`), memory freed and unused for a
/// second handed back to the system by jemalloc's own threads, not by a request's.
#[cfg(target_os = "linux")]
#[export_name = "_rjem_malloc_conf"]
static ALLOC_CONF: &u8 =
    &b"background_thread:true,narenas:4,dirty_decay_ms:1000,muzzy_decay_ms:0\0"[0];

fn main() -> ExitCode {
    corridor::cli::main()
}
