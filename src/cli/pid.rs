//! `rd-agent pid parse`.

use std::path::PathBuf;

use super::{CliError, CmdResult, Exit, Global};
use instantpay::BiometricData;
use rd::{self, MAX_PID_BYTES, PidError};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Parse a PidData XML file into InstantPay's biometricData JSON.
    Parse {
        file: PathBuf,
        /// Show the crypto fields (sessionKey, hmac, pidData) instead of their lengths.
        #[arg(long)]
        reveal: bool,
    },
}

pub(crate) fn run(cmd: Command, global: &Global) -> CmdResult {
    match cmd {
        Command::Parse { file, reveal } => parse_file(&file, reveal, global),
    }
}

fn parse_file(file: &PathBuf, reveal: bool, global: &Global) -> CmdResult {
    let name = file.display();
    let meta = std::fs::metadata(file)
        .map_err(|e| CliError::new(Exit::Usage, format!("cannot read {name}: {e}")))?;
    if meta.len() > MAX_PID_BYTES as u64 {
        return Err(CliError::new(
            Exit::Usage,
            format!(
                "{name} is {} bytes, over the {MAX_PID_BYTES}-byte limit of a PidData document",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::new(Exit::Usage, format!("cannot read {name}: {e}")))?;
    let parsed = rd::parse_pid(&bytes).map_err(|e| {
        let exit = match e {
            PidError::Capture(_) => Exit::Device,
            _ => Exit::Usage,
        };
        CliError::new(exit, format!("{name}: {e}"))
    })?;
    let bio = BiometricData::from_pid(&parsed);
    let output = shown(&bio, reveal);
    if global.json {
        super::print_json(&output);
    } else if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(&output) {
        for (k, v) in map {
            outln!("{k:>16}  {}", v.as_str().unwrap_or_default());
        }
    }
    Ok(())
}

/// The biometricData to show; unless `reveal`, the crypto fields (sessionKey, hmac, pidData,
/// encryptedAadhaar) are replaced by their length, e.g. `"[344 chars]"`. Serialising the struct
/// (not a `serde_json::Value`) keeps InstantPay's field order.
pub(crate) fn shown(bio: &BiometricData, reveal: bool) -> BiometricData {
    let mut shown = bio.clone();
    if !reveal {
        for field in [
            &mut shown.session_key,
            &mut shown.hmac,
            &mut shown.pid_data,
            &mut shown.encrypted_aadhaar,
        ] {
            if !field.is_empty() {
                *field = format!("[{} chars]", field.len());
            }
        }
    }
    shown
}
