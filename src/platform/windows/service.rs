//! The Windows Service Control Manager: registration, and running `rd-agent run` as a service
//! (stopped cleanly on a Stop or Shutdown control). The tray goes in the all-users Startup
//! folder.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use windows_service::service::{
    Service, ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
    ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod,
    ServiceInfo, ServiceStartType, ServiceState, ServiceStatus as WinStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};
use windows_service::{define_windows_service, service_dispatcher};

use crate::service::{Installed, SERVICE_NAME, ServiceError, ServiceStatus};

/// What the service runs: given the stop future and the "ready" callback, serve until stopped.
type Body =
    Box<dyn FnOnce(StopFuture, Box<dyn FnOnce() + Send>) -> Result<(), ServiceFailure> + Send>;

use crate::platform::{ServiceFailure, StopFuture};

/// The service body, handed from `run_as_service` to the SCM's callback thread.
static BODY: Mutex<Option<Body>> = Mutex::new(None);

fn manager(access: ServiceManagerAccess) -> Result<ServiceManager, ServiceError> {
    ServiceManager::local_computer(None::<&str>, access).map_err(|e| match e {
        windows_service::Error::Winapi(ref io) if io.raw_os_error() == Some(5) => {
            ServiceError::NotPrivileged
        }
        e => ServiceError::Manager(e.to_string()),
    })
}

fn startup_shortcut() -> PathBuf {
    let program_data =
        std::env::var_os("ProgramData").unwrap_or_else(|| OsString::from(r"C:\ProgramData"));
    PathBuf::from(program_data)
        .join(r"Microsoft\Windows\Start Menu\Programs\StartUp")
        .join("rd-agent tray.lnk")
}

/// Restart after a failure: in 10 s, then 60 s, then every 5 minutes; the count starts again
/// after a day without one. Also when the service stops with an error of its own (a broken
/// config, reported as a service-specific exit code), so a fixed config is picked up.
fn restart_on_failure(svc: &Service) -> windows_service::Result<()> {
    let restart = |secs| ServiceAction {
        action_type: ServiceActionType::Restart,
        delay: Duration::from_secs(secs),
    };
    svc.update_failure_actions(ServiceFailureActions {
        reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(86_400)),
        reboot_msg: None,
        command: None,
        actions: Some(vec![restart(10), restart(60), restart(300)]),
    })?;
    svc.set_failure_actions_on_non_crash_failures(true)
}

fn restarts(svc: &Service) -> bool {
    svc.get_failure_actions()
        .ok()
        .and_then(|f| f.actions)
        .is_some_and(|a| {
            a.iter()
                .any(|a| a.action_type == ServiceActionType::Restart)
        })
}

/// The MSI cannot set failure actions (wixl has no util:ServiceConfig): the service sets its
/// own at start when they are missing.
fn ensure_restart_on_failure() {
    let set = manager(ServiceManagerAccess::CONNECT).ok().and_then(|m| {
        m.open_service(
            SERVICE_NAME,
            ServiceAccess::QUERY_CONFIG | ServiceAccess::CHANGE_CONFIG,
        )
        .ok()
    });
    match set {
        Some(svc) if restarts(&svc) => {}
        Some(svc) => match restart_on_failure(&svc) {
            Ok(()) => tracing::info!("set the service to restart on failure"),
            Err(e) => tracing::warn!(error = %e, "could not set restart on failure"),
        },
        None => tracing::warn!("could not open the service to set restart on failure"),
    }
}

/// Register the service (automatic start, LocalSystem) and add the tray to Startup.
/// `root` is for Linux packaging tests; the SCM has no such thing.
pub(crate) fn install(_root: Option<&Path>, exe: &Path) -> Result<Installed, ServiceError> {
    let m = manager(ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE)?;
    let info = ServiceInfo {
        name: OsString::from(SERVICE_NAME),
        display_name: OsString::from("rd-agent daily AePS login agent"),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: exe.to_path_buf(),
        launch_arguments: vec![OsString::from("run"), OsString::from("--windows-service")],
        dependencies: vec![],
        account_name: None,
        account_password: None,
    };
    let svc = m
        .create_service(&info, ServiceAccess::CHANGE_CONFIG | ServiceAccess::START)
        .map_err(|e| ServiceError::Manager(e.to_string()))?;
    restart_on_failure(&svc).map_err(|e| ServiceError::Manager(e.to_string()))?;
    super::operators::ensure_operators_group().map_err(|e| ServiceError::Command {
        command: format!("NetLocalGroupAdd {}", crate::platform::OPERATORS_GROUP),
        detail: e.to_string(),
    })?;
    let _ = svc.set_description(
        "Keeps the day's AePS biometric login state, reminds the operator and logs in.",
    );
    let _ = svc.start::<&str>(&[]);
    // A .lnk needs the shell's COM object; PowerShell has it on every supported Windows. The
    // tray's own GUI-subsystem program when it is beside this one (no console at logon).
    let lnk = startup_shortcut();
    let tray = exe.with_file_name("rd-agent-tray.exe");
    let (target, arguments) = if tray.is_file() {
        (tray, "")
    } else {
        (exe.to_path_buf(), "tray")
    };
    let script = format!(
        "$s=(New-Object -ComObject WScript.Shell).CreateShortcut('{}');$s.TargetPath='{}';$s.Arguments='{arguments}';$s.Save()",
        lnk.display(),
        target.display()
    );
    let out = std::process::Command::new("powershell")
        .args(["-NoProfile", "-NonInteractive", "-Command", &script])
        .output()
        .map_err(|e| ServiceError::Command {
            command: "powershell".into(),
            detail: e.to_string(),
        })?;
    // PowerShell's exit code is not enough (a stub one "succeeds"): the file must be there.
    if !out.status.success() || !lnk.is_file() {
        return Err(ServiceError::Command {
            command: "powershell CreateShortcut".into(),
            detail: format!(
                "{} (the shortcut {} was not created)",
                String::from_utf8_lossy(&out.stderr).trim(),
                lnk.display()
            ),
        });
    }
    Ok(Installed {
        files: vec![lnk.clone()],
        commands: vec![format!("registered service {SERVICE_NAME}")],
    })
}

/// Stop and delete the service; remove the Startup shortcut.
pub(crate) fn uninstall(_root: Option<&Path>) -> Result<Installed, ServiceError> {
    let m = manager(ServiceManagerAccess::CONNECT)?;
    let svc = m
        .open_service(
            SERVICE_NAME,
            ServiceAccess::STOP | ServiceAccess::DELETE | ServiceAccess::QUERY_STATUS,
        )
        .map_err(|e| ServiceError::Manager(e.to_string()))?;
    let _ = svc.stop();
    svc.delete()
        .map_err(|e| ServiceError::Manager(e.to_string()))?;
    let _ = std::fs::remove_file(startup_shortcut());
    Ok(Installed {
        files: vec![],
        commands: vec![format!("deleted service {SERVICE_NAME}")],
    })
}

pub(crate) fn status() -> Result<ServiceStatus, ServiceError> {
    let m = manager(ServiceManagerAccess::CONNECT)?;
    let Ok(svc) = m.open_service(
        SERVICE_NAME,
        ServiceAccess::QUERY_STATUS | ServiceAccess::QUERY_CONFIG,
    ) else {
        return Ok(ServiceStatus {
            installed: false,
            enabled: false,
            active: false,
            detail: "not installed".into(),
            restarts_on_failure: false,
        });
    };
    let st = svc
        .query_status()
        .map_err(|e| ServiceError::Manager(e.to_string()))?;
    let enabled = svc
        .query_config()
        .map(|c| c.start_type == ServiceStartType::AutoStart)
        .unwrap_or(false);
    Ok(ServiceStatus {
        installed: true,
        enabled,
        active: st.current_state == ServiceState::Running,
        detail: format!("{:?}", st.current_state),
        restarts_on_failure: restarts(&svc),
    })
}

/// The `rd-agent` service's process: `None` when no such service is registered, `Some(None)`
/// when it is registered but not running (QueryServiceStatusEx).
pub(crate) fn running_pid() -> Option<Option<u32>> {
    let m = manager(ServiceManagerAccess::CONNECT).ok()?;
    let svc = m
        .open_service(SERVICE_NAME, ServiceAccess::QUERY_STATUS)
        .ok()?;
    Some(svc.query_status().ok().and_then(|s| match s.current_state {
        ServiceState::Running | ServiceState::StartPending | ServiceState::StopPending => {
            s.process_id
        }
        _ => None,
    }))
}

define_windows_service!(ffi_service_main, service_main);

/// Hand control to the SCM; `body` runs on its thread with a future that completes on Stop.
/// The SCM is told Running only when `body` calls its ready callback (after the pipe exists);
/// a body's failure becomes the service-specific exit code the SCM shows (`sc query`).
pub(crate) fn run_as_service(
    body: impl FnOnce(StopFuture, Box<dyn FnOnce() + Send>) -> Result<(), ServiceFailure>
    + Send
    + 'static,
) -> Result<(), ServiceError> {
    if let Ok(mut b) = BODY.lock() {
        *b = Some(Box::new(body));
    }
    service_dispatcher::start(SERVICE_NAME, ffi_service_main)
        .map_err(|e| ServiceError::Manager(e.to_string()))
}

fn service_main(_args: Vec<OsString>) {
    let Some(body) = BODY.lock().ok().and_then(|mut b| b.take()) else {
        return;
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let tx = Mutex::new(Some(tx));
    let handler = move |c| match c {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            if let Some(tx) = tx.lock().ok().and_then(|mut t| t.take()) {
                let _ = tx.send(());
            }
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let Ok(handle) = service_control_handler::register(SERVICE_NAME, handler) else {
        return;
    };
    ensure_restart_on_failure();
    // The MSI cannot create groups either: the service does, on its first start.
    match super::operators::ensure_operators_group() {
        Ok(true) => tracing::info!(
            group = crate::platform::OPERATORS_GROUP,
            "created the operators' group"
        ),
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not create the operators' group"),
    }
    match super::operators::admit_installing_user() {
        Ok(Some(user)) => tracing::info!(
            %user,
            group = crate::platform::OPERATORS_GROUP,
            "added the installing user to the operators' group"
        ),
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(error = %e, "could not add the installing user to the operators' group")
        }
    }
    let status = |state, accept| WinStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted: accept,
        exit_code: ServiceExitCode::Win32(0),
        checkpoint: 0,
        wait_hint: Duration::from_secs(10),
        process_id: None,
    };
    let _ = handle.set_service_status(status(
        ServiceState::StartPending,
        ServiceControlAccept::empty(),
    ));
    let ready: Box<dyn FnOnce() + Send> = Box::new(move || {
        let _ = handle.set_service_status(status(
            ServiceState::Running,
            ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN,
        ));
    });
    let result = body(
        Box::pin(async move {
            let _ = rx.await;
        }),
        ready,
    );
    let mut done = status(ServiceState::Stopped, ServiceControlAccept::empty());
    if let Err(f) = &result {
        // The log, the event log (where support looks first) and the SCM's exit code.
        tracing::error!(code = f.code, reason = %f.reason, "service stopped with an error");
        super::eventlog::report_error(&format!("rd-agent stopped: {}", f.reason));
        done.exit_code = ServiceExitCode::ServiceSpecific(f.code);
    }
    let _ = handle.set_service_status(done);
}

/// Whether the Service Control Manager knows the service, running or not.
pub(crate) fn installed() -> bool {
    status().is_ok_and(|s| s.installed)
}
