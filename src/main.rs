fn main() -> std::process::ExitCode {
    mcpgate::cli::run(std::env::args_os())
}
