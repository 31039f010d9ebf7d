use std::process::ExitCode;

fn main() -> ExitCode {
    corridor::cli::main()
}
