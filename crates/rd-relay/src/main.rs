fn main() -> std::process::ExitCode {
    rd_relay::main()
}
