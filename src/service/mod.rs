//! `rd-agent service install | uninstall | status`: register the service with the OS (systemd
//! on Linux, the Service Control Manager on Windows) and start the tray with each desktop
//! session (XDG autostart / the all-users Startup folder). The shared parts live here; each OS's
//! registration is `crate::platform::service`.

/// The installer files, compiled in so `service install` works from a bare binary (systemd's
/// and XDG's: Windows registers with the SCM and writes a shortcut instead).
#[cfg(not(windows))]
pub(crate) const UNIT: &str = include_str!("../../installer/linux/rd-agent.service");
#[cfg(not(windows))]
pub(crate) const UDEV_RULES: &str = include_str!("../../installer/linux/70-rd-agent.rules");
#[cfg(not(windows))]
pub(crate) const AUTOSTART: &str = include_str!("../../installer/linux/rd-agent-tray.desktop");

/// The service's name in the SCM (systemd's is its unit file's name).
#[cfg(windows)]
pub(crate) const SERVICE_NAME: &str = "rd-agent";

#[derive(Debug, thiserror::Error)]
pub(crate) enum ServiceError {
    #[error(
        "Installing the service needs administrator rights: run it again with sudo (Linux) or from an elevated prompt (Windows)."
    )]
    NotPrivileged,
    #[error("Could not write {path}: {source}. Check that the directory exists and is writable.")]
    #[cfg_attr(
        windows,
        expect(dead_code, reason = "only systemd's files are written")
    )]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("`{command}` failed: {detail}")]
    Command { command: String, detail: String },
    #[error("The service manager refused: {0}")]
    #[cfg_attr(
        not(windows),
        expect(dead_code, reason = "only the SCM is called through an API")
    )]
    Manager(String),
    #[error("Service registration is not supported on this platform.")]
    #[cfg_attr(windows, expect(dead_code, reason = "Windows has its SCM"))]
    Unsupported,
}

impl ServiceError {
    /// The sentence in the catalogue (`Display` is its English).
    pub(crate) fn msg(&self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            ServiceError::NotPrivileged => Msg::new("service-error-not-privileged"),
            ServiceError::Write { path, source } => Msg::new("service-error-write")
                .arg("path", path.as_str())
                .arg("error", source.to_string()),
            ServiceError::Command { command, detail } => Msg::new("service-error-command")
                .arg("command", command.as_str())
                .arg("detail", detail.as_str()),
            ServiceError::Manager(e) => Msg::new("service-error-manager").arg("error", e.as_str()),
            ServiceError::Unsupported => Msg::new("service-error-unsupported"),
        }
    }
}

/// What an install or uninstall did, for the command's output.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct Installed {
    pub(crate) files: Vec<std::path::PathBuf>,
    pub(crate) commands: Vec<String>,
}

/// What `service status` reports.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct ServiceStatus {
    /// Registered with the service manager.
    pub(crate) installed: bool,
    /// Starts with the machine.
    pub(crate) enabled: bool,
    /// Running now (the manager's view).
    pub(crate) active: bool,
    /// The manager's own words, e.g. `active (running)`.
    pub(crate) detail: String,
    /// The manager restarts it when it fails (systemd `Restart=`, the SCM's failure actions).
    pub(crate) restarts_on_failure: bool,
}

/// Replace the unit's ExecStart binary with `exe` (for a binary not in /usr/bin).
#[cfg(not(windows))]
pub(crate) fn unit_for(exe: &std::path::Path) -> String {
    UNIT.lines()
        .map(|l| match l.strip_prefix("ExecStart=/usr/bin/rd-agent") {
            Some(rest) => format!("ExecStart={}{rest}", exe.display()),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Replace the autostart entry's Exec binary with `exe`.
#[cfg(not(windows))]
pub(crate) fn autostart_for(exe: &std::path::Path) -> String {
    AUTOSTART
        .lines()
        .map(|l| match l.strip_prefix("Exec=/usr/bin/rd-agent") {
            Some(rest) => format!("Exec={}{rest}", exe.display()),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;

    #[test]
    fn unit_is_notify_hardened_and_points_at_the_binary() {
        for needle in [
            "Type=notify",
            "Restart=on-failure",
            "StateDirectory=rd-agent",
            "RuntimeDirectory=rd-agent",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "DeviceAllow=char-usb_device r",
        ] {
            assert!(UNIT.contains(needle), "{needle}");
        }
        let u = unit_for(std::path::Path::new("/opt/rd/bin/rd-agent"));
        assert!(u.contains("ExecStart=/opt/rd/bin/rd-agent run\n"));
        assert!(!u.contains("/usr/bin/rd-agent"));
        let a = autostart_for(std::path::Path::new("/opt/rd/bin/rd-agent"));
        assert!(a.contains("Exec=/opt/rd/bin/rd-agent tray\n"));
    }

    #[test]
    fn udev_rules_cover_every_documented_vendor() {
        for vid in ["2c0f", "225d", "079b", "1162", "0bca"] {
            assert!(
                UDEV_RULES.contains(&format!("ATTR{{idVendor}}==\"{vid}\"")),
                "{vid}"
            );
        }
        assert!(
            UDEV_RULES
                .lines()
                .filter(|l| l.starts_with("SUBSYSTEM"))
                .all(|l| l.contains("GROUP=\"rd-agent\""))
        );
    }
}
