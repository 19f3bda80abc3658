fn main() -> std::process::ExitCode {
    rd_agent::cli::main()
}
