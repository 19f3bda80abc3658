fn main() -> std::process::ExitCode {
    rd_relay::cli::main()
}
