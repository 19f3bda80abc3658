//! systemd and XDG autostart. Files go under `root` (normally `/`), so a test or a packager
//! can stage an install in a directory; `systemctl` runs only when `root` is `/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::service::{Installed, ServiceError, ServiceStatus, UDEV_RULES, autostart_for, unit_for};

pub(crate) const UNIT_PATH: &str = "etc/systemd/system/rd-agent.service";
pub(crate) const UDEV_PATH: &str = "etc/udev/rules.d/70-rd-agent.rules";
pub(crate) const AUTOSTART_PATH: &str = "etc/xdg/autostart/rd-agent-tray.desktop";

fn write(root: &Path, rel: &str, text: &str) -> Result<PathBuf, ServiceError> {
    let path = root.join(rel);
    let io = |source| ServiceError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, text).map_err(io)?;
    Ok(path)
}

fn run(cmd: &str, args: &[&str]) -> Result<String, ServiceError> {
    let line = format!("{cmd} {}", args.join(" "));
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| ServiceError::Command {
            command: line.clone(),
            detail: e.to_string(),
        })?;
    if !out.status.success() {
        return Err(ServiceError::Command {
            command: line,
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Install the unit, the udev rules and the tray's autostart entry; on a live system also
/// create the rd-agent group and user and enable and start the service.
/// `root` is `/` unless a packaging test writes into a temporary root.
pub(crate) fn install(root: Option<&Path>, exe: &Path) -> Result<Installed, ServiceError> {
    let root = root.unwrap_or(Path::new("/"));
    let live = root == Path::new("/");
    if live && !is_root() {
        return Err(ServiceError::NotPrivileged);
    }
    let files = vec![
        write(root, UNIT_PATH, &unit_for(exe))?,
        write(root, UDEV_PATH, UDEV_RULES)?,
        write(root, AUTOSTART_PATH, &autostart_for(exe))?,
    ];
    let mut commands = Vec::new();
    if live {
        if run("getent", &["group", "rd-agent"]).is_err() {
            run("groupadd", &["--system", "rd-agent"])?;
            commands.push("groupadd --system rd-agent".into());
        }
        if run("getent", &["passwd", "rd-agent"]).is_err() {
            let args = [
                "--system",
                "--gid",
                "rd-agent",
                "--home-dir",
                "/var/lib/rd-agent",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "rd-agent",
            ];
            run("useradd", &args)?;
            commands.push("useradd --system rd-agent".into());
        }
        let _ = run("udevadm", &["control", "--reload-rules"]);
        let _ = run(
            "udevadm",
            &["trigger", "--subsystem-match=usb", "--action=add"],
        );
        run("systemctl", &["daemon-reload"])?;
        run("systemctl", &["enable", "--now", "rd-agent.service"])?;
        commands.push("systemctl enable --now rd-agent.service".into());
    }
    Ok(Installed { files, commands })
}

/// Stop and disable the service and remove what `install` wrote. The state directory (the
/// ledger) and the group are kept.
pub(crate) fn uninstall(root: Option<&Path>) -> Result<Installed, ServiceError> {
    let root = root.unwrap_or(Path::new("/"));
    let live = root == Path::new("/");
    if live && !is_root() {
        return Err(ServiceError::NotPrivileged);
    }
    let mut commands = Vec::new();
    if live {
        let _ = run("systemctl", &["disable", "--now", "rd-agent.service"]);
        commands.push("systemctl disable --now rd-agent.service".into());
    }
    let mut files = Vec::new();
    for rel in [UNIT_PATH, UDEV_PATH, AUTOSTART_PATH] {
        let p = root.join(rel);
        if std::fs::remove_file(&p).is_ok() {
            files.push(p);
        }
    }
    if live {
        let _ = run("systemctl", &["daemon-reload"]);
        let _ = run("udevadm", &["control", "--reload-rules"]);
    }
    Ok(Installed { files, commands })
}

/// systemd's view of the service.
pub(crate) fn status() -> Result<ServiceStatus, ServiceError> {
    let show = run(
        "systemctl",
        &[
            "show",
            "rd-agent.service",
            "--property=LoadState,ActiveState,SubState,UnitFileState,Restart",
        ],
    )?;
    let prop = |k: &str| {
        show.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or("")
            .to_string()
    };
    Ok(ServiceStatus {
        installed: prop("LoadState") == "loaded",
        enabled: prop("UnitFileState") == "enabled",
        active: prop("ActiveState") == "active",
        detail: format!("{} ({})", prop("ActiveState"), prop("SubState")),
        restarts_on_failure: !matches!(prop("Restart").as_str(), "" | "no"),
    })
}

/// systemd starts `rd-agent run` directly; `--windows-service` means nothing here.
pub(crate) fn run_as_service(
    _body: impl FnOnce(
        crate::platform::StopFuture,
        Box<dyn FnOnce() + Send>,
    ) -> Result<(), crate::platform::ServiceFailure>
    + Send
    + 'static,
) -> Result<(), ServiceError> {
    Err(ServiceError::Unsupported)
}

/// Whether systemd has a unit for the service (the .deb's, or `rd-agent service install`'s),
/// read from the unit directories: no systemctl to run, and true also while it is stopped.
pub(crate) fn installed() -> bool {
    [
        "/etc/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
    ]
    .iter()
    .any(|dir| Path::new(dir).join("rd-agent.service").is_file())
}
