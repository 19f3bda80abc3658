//! What every integration test shares: the `rd-agent` command, a guard that kills a child the
//! test started, the one [`TestEnv`] (config, private state dir, both sandboxes, the service),
//! the service's IPC as the tray and the CLI use it, the real RD samples under
//! `rd-fixtures/real/`, and a search of written files.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::Duration;

use ::sandbox::instantpay::{
    self as ipay, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE,
    DEMO_LONGITUDE, DEMO_OUTLET_ID, Fault, SandboxConfig, SandboxInstantPay,
};
use ::sandbox::rd::{SimOptions, SimulatedRd, vendor};
use instantpay::PATH_LOGIN;
use instantpay::{DEMO_AADHAAR, verhoeff_check_digit};
use rd_agent::agent::AgentState;
use rd_agent::agent::ipc;
use rd_agent::agent::protocol::Message;
use rd_agent::config::{SecretName, Secrets};
use rd_agent::ledger::Ledger;

// ---- The command ----------------------------------------------------------------------------

/// `rd-agent` as a test runs it: the environment's config, state dir and socket never leak in.
pub(crate) fn rd_agent() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("rd-agent").unwrap();
    c.env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET");
    c
}

/// The same, as a `std` command, for a child the test keeps running (a service).
pub(crate) fn rd_agent_std() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin!("rd-agent"));
    c.env_remove("RD_AGENT_CONFIG")
        .env_remove("RD_AGENT_STATE_DIR")
        .env_remove("RD_AGENT_SOCKET");
    c
}

/// Stdout, then stderr, as text.
pub(crate) fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The exit code; -1 for a process ended by a signal.
pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The JSON document a command that succeeded printed (its stderr shown if it failed).
pub(crate) fn json_of_success(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Kills the child when the test ends, also when it fails before stopping it.
pub(crate) struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub(crate) fn new(child: Child) -> ChildGuard {
        ChildGuard(Some(child))
    }

    pub(crate) fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("the child is still guarded")
    }

    /// Ask the child to stop as a service manager does: SIGTERM on Unix; on Windows a kill (a
    /// console service stops on Ctrl-C, which a test cannot send to its child alone).
    pub(crate) fn terminate(&mut self) {
        let child = self.child();
        #[cfg(unix)]
        // SAFETY: signalling our own child by its pid; the guard has not reaped it yet.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        #[cfg(windows)]
        let _ = child.kill();
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

// ---- Config and secrets ---------------------------------------------------------------------

/// A config file as a test writes it.
pub(crate) struct ConfigFile<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) outlet_id: &'a str,
    pub(crate) latitude: &'a str,
    pub(crate) longitude: &'a str,
    /// The one port the RD Service is looked for on; `None` leaves `[rd]` at its defaults.
    pub(crate) rd_port: Option<u16>,
    /// The settle window follows it, at the floor the config accepts (twice it plus 60 s).
    pub(crate) read_timeout_secs: u32,
}

impl ConfigFile<'_> {
    /// The sandbox's demo outlet at `base_url`, its scanner on `rd_port`.
    pub(crate) fn demo(base_url: &str, rd_port: Option<u16>) -> ConfigFile<'_> {
        ConfigFile {
            base_url,
            client_id: DEMO_CLIENT_ID,
            outlet_id: DEMO_OUTLET_ID,
            latitude: DEMO_LATITUDE,
            longitude: DEMO_LONGITUDE,
            rd_port,
            read_timeout_secs: 30,
        }
    }

    pub(crate) fn write(&self, path: &Path) {
        let ConfigFile {
            base_url,
            client_id,
            outlet_id,
            latitude,
            longitude,
            rd_port,
            read_timeout_secs,
        } = self;
        let mut text = format!(
            "[instantpay]\nbase_url = \"{base_url}\"\nclient_id = \"{client_id}\"\n\
             outlet_id = \"{outlet_id}\"\nendpoint_ip = \"127.0.0.1\"\n\
             read_timeout_secs = {read_timeout_secs}\nsettle_window_secs = {}\n\
             [outlet]\nlatitude = \"{latitude}\"\nlongitude = \"{longitude}\"\n",
            2 * read_timeout_secs + 60,
        );
        if let Some(port) = rd_port {
            text.push_str(&format!("[rd]\nhost = \"127.0.0.1\"\nports = \"{port}\"\n"));
        }
        std::fs::write(path, text).unwrap();
    }
}

/// A secret store at `path` holding `values` (private, as `config set-secret` leaves it).
pub(crate) fn write_secrets(path: &Path, values: &[(SecretName, &str)]) {
    let mut s = Secrets::default();
    for (name, value) in values {
        s.set(*name, value).unwrap();
    }
    s.save(path).unwrap();
}

/// The demo operator's Aadhaar as the digits alone, as a leak would show it.
pub(crate) const DEMO_AADHAAR_DIGITS: &str = "999941057058";

/// A valid Aadhaar that is not the sandbox outlet's operator's (it ends 0124; theirs, 7058).
pub(crate) fn other_aadhaar() -> String {
    let body = b"23456789012";
    let check = verhoeff_check_digit(body).unwrap();
    format!("{}{}", std::str::from_utf8(body).unwrap(), check as char)
}

// ---- The test environment -------------------------------------------------------------------

/// A directory only its owner may use: 0700 on Unix; on Windows it keeps its parent's ACL.
pub(crate) fn create_private_dir(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(path).unwrap();
    }
    #[cfg(not(unix))]
    std::fs::create_dir(path).unwrap();
}

/// The scanner a test gets unless it asks for another.
pub(crate) fn mantra() -> SimOptions {
    SimOptions::new(vendor("mantra-mfs100").unwrap())
}

/// How a [`TestEnv`] is made: which RD Service, which InstantPay.
pub(crate) struct TestEnvBuilder {
    rd: SimOptions,
    instantpay: SandboxConfig,
}

impl TestEnvBuilder {
    /// The simulated RD Service behaving as `rd` says.
    pub(crate) fn rd(mut self, rd: SimOptions) -> TestEnvBuilder {
        self.rd = rd;
        self
    }

    /// The sandbox InstantPay made with `config` (its clock, say).
    pub(crate) fn instantpay(mut self, config: SandboxConfig) -> TestEnvBuilder {
        self.instantpay = config;
        self
    }

    /// For a plain `#[test]`: the sandboxes serve from a runtime of the env's own.
    pub(crate) fn start(self) -> TestEnv {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (ipay, rd) = rt.block_on(Self::sandboxes(self.rd, self.instantpay));
        TestEnv::new(ipay, rd, Some(rt))
    }

    /// For a `#[tokio::test]`: the sandboxes serve from the test's runtime.
    pub(crate) async fn start_async(self) -> TestEnv {
        let (ipay, rd) = Self::sandboxes(self.rd, self.instantpay).await;
        TestEnv::new(ipay, rd, None)
    }

    /// Both sandboxes, each on a free loopback port.
    async fn sandboxes(rd: SimOptions, config: SandboxConfig) -> (SandboxInstantPay, SimulatedRd) {
        let ipay = ipay::start(config).await.unwrap();
        let rd = SimulatedRd::start(rd).await.unwrap();
        (ipay, rd)
    }
}

/// One outlet's PC for a test: the sandbox InstantPay and a simulated RD Service on loopback
/// ports, a config pointing at them (`dir/config.toml`) and a private state dir (`dir/state`,
/// 0700) holding the demo outlet's secrets.
pub(crate) struct TestEnv {
    dir: tempfile::TempDir,
    pub(crate) ipay: SandboxInstantPay,
    rd: Option<SimulatedRd>,
    /// What the config says: InstantPay's read timeout, the RD Service's port.
    read_timeout_secs: Cell<u32>,
    rd_port: Cell<u16>,
    /// Last: the sandboxes' tasks end before the runtime they run on.
    rt: Option<tokio::runtime::Runtime>,
}

impl TestEnv {
    pub(crate) fn builder() -> TestEnvBuilder {
        TestEnvBuilder {
            rd: mantra(),
            instantpay: SandboxConfig::default(),
        }
    }

    /// The usual env, for a plain `#[test]`.
    pub(crate) fn start() -> TestEnv {
        TestEnv::builder().start()
    }

    /// The usual env, for a `#[tokio::test]`.
    pub(crate) async fn start_async() -> TestEnv {
        TestEnv::builder().start_async().await
    }

    fn new(
        ipay: SandboxInstantPay,
        rd: SimulatedRd,
        rt: Option<tokio::runtime::Runtime>,
    ) -> TestEnv {
        let env = TestEnv {
            dir: tempfile::tempdir().unwrap(),
            ipay,
            read_timeout_secs: Cell::new(30),
            rd_port: Cell::new(rd.port()),
            rd: Some(rd),
            rt,
        };
        create_private_dir(&env.state());
        env.write_config(30);
        env.write_secrets(DEMO_AADHAAR);
        env
    }

    /// The temp dir holding the config and the state dir.
    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub(crate) fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// The service's endpoint in the state dir (a socket file; on Windows a pipe's name).
    pub(crate) fn socket(&self) -> PathBuf {
        ipc::socket_path(Some(&self.state()))
    }

    /// The config again, with InstantPay's read timeout (and so the settle window) changed.
    pub(crate) fn write_config(&self, read_timeout_secs: u32) {
        self.read_timeout_secs.set(read_timeout_secs);
        ConfigFile {
            read_timeout_secs,
            ..ConfigFile::demo(self.ipay.base_url(), Some(self.rd_port.get()))
        }
        .write(&self.config());
    }

    /// The config again, naming `port` as the RD Service's (another scanner's, say).
    pub(crate) fn use_rd_port(&self, port: u16) {
        self.rd_port.set(port);
        self.write_config(self.read_timeout_secs.get());
    }

    /// The demo outlet's secrets, with `aadhaar` as the operator's.
    pub(crate) fn write_secrets(&self, aadhaar: &str) {
        write_secrets(
            &self.state().join("secrets.toml"),
            &[
                (SecretName::ClientSecret, DEMO_CLIENT_SECRET),
                (SecretName::EncryptionKey, DEMO_ENCRYPTION_KEY),
                (SecretName::Aadhaar, aadhaar),
            ],
        );
    }

    /// `rd-agent` on this env, logging everything, bounded (a hung command fails the test).
    pub(crate) fn cmd(&self) -> assert_cmd::Command {
        let mut c = rd_agent();
        c.arg("--config")
            .arg(self.config())
            .arg("--state-dir")
            .arg(self.state())
            .env("RD_AGENT_LOG", "trace")
            .timeout(Duration::from_secs(120));
        c
    }

    /// The same command as a `std` process, to start several at once or keep one running.
    pub(crate) fn cmd_std(&self) -> std::process::Command {
        let mut c = rd_agent_std();
        c.arg("--config")
            .arg(self.config())
            .arg("--state-dir")
            .arg(self.state());
        c
    }

    pub(crate) fn login(&self) -> Output {
        self.cmd().arg("login").output().unwrap()
    }

    /// CAPTUREs the simulated RD Service has answered.
    pub(crate) fn captures(&self) -> usize {
        self.rd
            .as_ref()
            .expect("the RD Service still runs")
            .requests()
            .iter()
            .filter(|r| r.verb == "CAPTURE")
            .count()
    }

    /// The port the config names for the RD Service.
    pub(crate) fn rd_port(&self) -> u16 {
        self.rd_port.get()
    }

    /// The scanner unplugged: its RD Service stops answering (the config still names it).
    pub(crate) async fn stop_rd(&mut self) {
        if let Some(rd) = self.rd.take() {
            rd.shutdown().await;
        }
    }

    pub(crate) fn ledger(&self) -> Ledger {
        Ledger::open(&self.state().join("ledger.sqlite3")).unwrap()
    }

    /// What InstantPay does with the next logins.
    pub(crate) fn set_fault(&self, fault: Option<Fault>) {
        self.ipay.state().set_fault(PATH_LOGIN, fault);
    }

    /// Run `f` on the env's runtime (an env made by [`TestEnvBuilder::start`]).
    pub(crate) fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt
            .as_ref()
            .expect("an env made for a plain #[test]")
            .block_on(f)
    }

    /// `rd-agent run` on this env, on `socket` when given (else the state dir's endpoint),
    /// returned with a client connection once it answers there as the CLI and the tray
    /// connect. A service that ends or never answers first is an error.
    pub(crate) async fn start_service(
        &self,
        socket: Option<&Path>,
        stderr: ServiceStderr,
    ) -> Result<(Service, ipc::Connection), String> {
        let mut cmd = self.cmd_std();
        if let Some(s) = socket {
            cmd.arg("--socket").arg(s);
        }
        cmd.arg("run").stdout(Stdio::null());
        match stderr {
            ServiceStderr::Discard => cmd.stderr(Stdio::null()),
            ServiceStderr::Keep => cmd.env("RD_AGENT_LOG", "debug").stderr(Stdio::piped()),
        };
        let child = cmd.spawn().map_err(|e| format!("rd-agent run: {e}"))?;
        let mut service = Service {
            guard: ChildGuard::new(child),
            socket: socket.map_or_else(|| self.socket(), Path::to_path_buf),
        };
        // Bounded so that a broken service fails the test instead of hanging it.
        let started = std::time::Instant::now();
        while started.elapsed() < SERVICE_START_LIMIT {
            if let Ok(c) = connect(&service.socket).await {
                return Ok((service, c));
            }
            if let Ok(Some(st)) = service.guard.child().try_wait() {
                return Err(format!("rd-agent run exited early: {st}"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err(format!(
            "rd-agent run never answered on {}",
            service.socket.display()
        ))
    }
}

/// A service starting on a loaded machine: the bound is a hang guard, not a speed limit.
const SERVICE_START_LIMIT: Duration = Duration::from_secs(90);

/// What becomes of a service's stderr.
pub(crate) enum ServiceStderr {
    Discard,
    /// Debug logging, piped for [`Service::stop`] to return.
    Keep,
}

/// `rd-agent run`, killed and reaped when dropped.
pub(crate) struct Service {
    pub(crate) guard: ChildGuard,
    /// The endpoint it serves.
    pub(crate) socket: PathBuf,
}

impl Service {
    /// Stop it as its manager does ([`ChildGuard::terminate`]), wait for the exit, and return
    /// what it wrote to stderr (empty unless started with [`ServiceStderr::Keep`]).
    pub(crate) fn stop(mut self) -> (ExitStatus, String) {
        self.guard.terminate();
        let child = self.guard.child();
        let st = child.wait().unwrap();
        let mut err = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            use std::io::Read;
            let _ = stderr.read_to_string(&mut err);
        }
        (st, err)
    }
}

// ---- The service's IPC, as the tray and the CLI use it --------------------------------------

/// Bound every wait so a broken service fails the test instead of hanging it.
pub(crate) async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the service answered")
}

/// Connect as the tray and the CLI do, expecting (with no Windows service registered) the
/// `rd-agent` program the tests start, or this test process itself.
pub(crate) async fn connect(sock: &Path) -> Result<ipc::Connection, ipc::IpcError> {
    ipc::connect_expecting(sock, assert_cmd::cargo::cargo_bin!("rd-agent")).await
}

pub(crate) async fn next_event(c: &mut ipc::Connection) -> Message {
    within(c.next()).await.unwrap().expect("an event")
}

/// Subscribe on `sub` and return once the start-up check has settled the state.
pub(crate) async fn settled_subscription(sub: &mut ipc::Connection) -> AgentState {
    let mut state = match within(sub.subscribe()).await.unwrap() {
        Message::Status { state, .. } => state,
        m => panic!("unexpected {m:?}"),
    };
    while state == AgentState::Unknown {
        state = match next_event(sub).await {
            Message::State { state, .. } => state,
            m => panic!("unexpected {m:?}"),
        };
    }
    state
}

/// A new subscriber, once the start-up check has settled the state.
pub(crate) async fn subscribed(sock: &Path) -> (ipc::Connection, AgentState) {
    let mut sub = connect(sock).await.unwrap();
    let state = settled_subscription(&mut sub).await;
    (sub, state)
}

#[cfg(unix)]
pub(crate) fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

// ---- Files ----------------------------------------------------------------------------------

/// The path of a real RD sample.
pub(crate) fn real_sample_path(name: &str) -> String {
    format!("{}/rd-fixtures/real/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, recursively, as bytes.
pub(crate) fn files_under(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.is_file() {
            // Regular files only (the service's socket may be left behind).
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
}

pub(crate) fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
