//! `connpay-server` command line.

pub fn main() -> std::process::ExitCode {
    eprintln!("connpay-server: not built yet");
    std::process::ExitCode::from(1)
}
