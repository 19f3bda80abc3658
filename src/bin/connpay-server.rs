fn main() -> std::process::ExitCode {
    rd_agent::connpay::cli::main()
}
