fn main() -> std::process::ExitCode {
    connpay_server::cli::main()
}
