fn main() -> std::process::ExitCode {
    connpay_server::main()
}
