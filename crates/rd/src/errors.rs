//! RD Service error codes (UIDAI RD specification 2.0, vendor tables) and what to tell the
//! operator. One table, so a code's wording changes in one place.

use serde::Serialize;

/// One row of the table: the code, what it means, and the sentence for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ErrorCode {
    pub code: u16,
    pub meaning: &'static str,
    pub action: &'static str,
}

const TABLE: &[ErrorCode] = &[
    row(
        100,
        "invalid PidOptions",
        "Update rd-agent: the RD Service rejected the capture options.",
    ),
    row(
        110,
        "fType not supported",
        "Update the RD Service, or capture with fType 0 (FMR).",
    ),
    row(
        120,
        "invalid fCount",
        "Capture with fCount between 1 and 10.",
    ),
    row(130, "invalid iType", "Capture without iris options."),
    row(140, "invalid iCount", "Capture with iCount 0."),
    row(
        150,
        "invalid pidVer",
        "Capture with pidVer 2.0, or update the RD Service.",
    ),
    row(
        160,
        "invalid timeout",
        "Use a capture timeout between 1 and 120 seconds.",
    ),
    row(170, "invalid posh", "Capture with posh UNKNOWN."),
    row(
        180,
        "face matching not supported",
        "Capture without face options.",
    ),
    row(190, "invalid format", "Capture with format 0 (XML)."),
    row(200, "invalid Demo structure", "Capture without Demo data."),
    row(
        210,
        "protobuf format not supported",
        "Capture with format 0 (XML).",
    ),
    row(
        220,
        "invalid env",
        "Set rd.env to P, PP or S to match the RD Service's registration.",
    ),
    row(
        700,
        "capture timed out",
        "Place the finger on the scanner again, within the time allowed.",
    ),
    row(
        710,
        "device in use by another application",
        "Close the other application using the scanner, then try again.",
    ),
    row(
        720,
        "device not ready or not connected",
        "Connect the scanner (check the USB cable), then try again.",
    ),
    row(
        730,
        "capture failed, aborted or USB disconnected",
        "Place the finger again and keep the USB cable connected.",
    ),
    row(
        740,
        "device needs to be re-initialised",
        "Unplug the scanner, plug it back in, and try again.",
    ),
    row(
        750,
        "no fingerprint support",
        "Use a fingerprint RD Service for this login.",
    ),
    row(
        760,
        "no iris support",
        "Capture a fingerprint, not an iris.",
    ),
    row(
        770,
        "invalid URL",
        "Restart the RD Service; it rejected the capture address.",
    ),
    row(
        900,
        "device locked to another application",
        "Use a scanner registered for this application, or ask the vendor to unlock it.",
    ),
    row(
        999,
        "internal error of the RD Service",
        "Renew or re-register the RD Service with the vendor, check the internet connection and the clock, then try again.",
    ),
];

const fn row(code: u16, meaning: &'static str, action: &'static str) -> ErrorCode {
    ErrorCode {
        code,
        meaning,
        action,
    }
}

/// The table row for a code, if the code is known.
pub fn lookup(code: u16) -> Option<&'static ErrorCode> {
    TABLE.iter().find(|r| r.code == code)
}

/// The sentence for the operator, given the code and the service's own `errInfo`.
///
/// Error 999 covers many causes; the service's text usually says which, so a few well-known
/// phrases choose a more precise sentence.
pub(crate) fn operator_sentence(code: u16, err_info: &str) -> &'static str {
    if code == 999 {
        let info = err_info.to_ascii_lowercase();
        if info.contains("not regist") || info.contains("registration") {
            return "Register the scanner with the vendor's RD Service (connect to the internet and register), then try again.";
        }
        if info.contains("time") && (info.contains("sync") || info.contains("automatic")) {
            return "Set the computer's clock to the correct time (automatic time), then try again.";
        }
        if info.contains("certificat") {
            return "Renew the RD Service: its certificate is invalid or still downloading; connect to the internet and wait.";
        }
        if info.contains("permission") {
            return "Allow the RD Service to use the USB scanner, then try again.";
        }
        if info.contains("internet") || info.contains("server") {
            return "Connect to the internet so the RD Service can reach its management server, then try again.";
        }
        if info.contains("usb") || info.contains("connect failed") {
            return "Check the scanner's USB connection, then try again.";
        }
    }
    match lookup(code) {
        Some(row) => row.action,
        None => {
            "Restart the RD Service and try again; if it repeats, contact the scanner's vendor."
        }
    }
}

/// A capture (or device info) that the RD Service itself reported as failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("the RD Service reported error {code} ({info_or_meaning}). {sentence}")]
pub struct CaptureFailure {
    /// `errCode` as the service sent it (trimmed).
    pub code: String,
    /// The service's `errInfo`, trimmed (may be empty).
    pub info: String,
    /// The operator sentence from the table.
    pub sentence: &'static str,
    #[serde(skip)]
    info_or_meaning: String,
}

impl CaptureFailure {
    pub fn new(code: &str, info: &str) -> Self {
        let numeric = code.parse::<u16>().ok();
        let sentence = match numeric {
            Some(n) => operator_sentence(n, info),
            None => operator_sentence(0, info),
        };
        let info_or_meaning = if !info.is_empty() {
            info.to_string()
        } else {
            numeric
                .and_then(lookup)
                .map(|r| r.meaning.to_string())
                .unwrap_or_else(|| "no description".into())
        };
        CaptureFailure {
            code: code.to_string(),
            info: info.to_string(),
            sentence,
            info_or_meaning,
        }
    }

    /// The code as a number, when it is one.
    pub fn code_number(&self) -> Option<u16> {
        self.code.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_a_sentence() {
        for code in [
            100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 700, 710, 720, 730,
            740, 750, 760, 770, 900, 999,
        ] {
            let row = lookup(code).unwrap_or_else(|| panic!("code {code} missing"));
            assert!(row.action.ends_with('.'), "{code}");
        }
        assert!(lookup(12345).is_none());
    }

    #[test]
    fn error_999_is_refined_by_the_services_text() {
        assert!(
            operator_sentence(999, "Your device is not registered, pls register first!!")
                .contains("Register")
        );
        assert!(
            operator_sentence(999, "Please set Automatic time or sync time correctly")
                .contains("clock")
        );
        assert!(operator_sentence(999, "Can not connect to server.").contains("internet"));
        assert!(operator_sentence(999, "").contains("Renew"));
        assert!(operator_sentence(720, "whatever").contains("Connect the scanner"));
    }

    #[test]
    fn failure_message_carries_code_info_and_sentence() {
        let f = CaptureFailure::new("720", "Device not ready");
        let msg = f.to_string();
        assert!(
            msg.contains("720")
                && msg.contains("Device not ready")
                && msg.contains("Connect the scanner"),
            "{msg}"
        );
        let f = CaptureFailure::new("700", "");
        assert!(f.to_string().contains("capture timed out"));
    }
}
