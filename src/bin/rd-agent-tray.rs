//! `rd-agent-tray`: the tray as a program of its own, so that on Windows it is built for the
//! GUI subsystem and no console window opens when the Startup folder starts it at logon
//! (`rd-agent.exe` stays a console program for the command line). It is `rd-agent tray`,
//! with the same flags.
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    rd_agent::cli::main_with_command("tray")
}
