//! Two relay processes on one PostgreSQL (the one `.ci/run` starts, named by
//! RD_AGENT_TEST_POSTGRES_URL), racing for one outlet's day: one charge.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use instantpay::LoginOutcome;
use instantpay::PATH_LOGIN;
use instantpay::Secret;
use relay_api::RelayClient;
use sandbox::instantpay::{
    self as ipay, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENCRYPTION_KEY, DEMO_LATITUDE,
    DEMO_LONGITUDE, DEMO_OUTLET_ID, Fault, SandboxConfig,
};

fn relay(db: &str, ipay_url: &str) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin!("rd-relay"));
    c.env("RD_RELAY_DB", db)
        .env("RD_RELAY_INSTANTPAY_URL", ipay_url)
        .env("RD_RELAY_CLIENT_ID", DEMO_CLIENT_ID)
        .env("RD_RELAY_CLIENT_SECRET", DEMO_CLIENT_SECRET)
        .env("RD_RELAY_ENCRYPTION_KEY", DEMO_ENCRYPTION_KEY)
        .env("RD_RELAY_ENDPOINT_IP", "127.0.0.1");
    c
}

struct Instance {
    child: Child,
    url: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &str, ipay_url: &str) -> Instance {
    start_with(db, ipay_url, &[])
}

fn start_with(db: &str, ipay_url: &str, args: &[&str]) -> Instance {
    let mut child = relay(db, ipay_url)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the relay printed its address")
            .unwrap();
        if let Some(url) = line.strip_prefix("listening on ") {
            break url.to_string();
        }
    };
    Instance { child, url }
}

fn add_demo_outlet(db: &str, ipay_url: &str) {
    admin(
        db,
        ipay_url,
        &[
            "outlet-add",
            "--outlet",
            DEMO_OUTLET_ID,
            "--latitude",
            DEMO_LATITUDE,
            "--longitude",
            DEMO_LONGITUDE,
        ],
    );
}

fn admin(db: &str, ipay_url: &str, args: &[&str]) -> String {
    let o = relay(db, ipay_url).args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Enrol a PC through the instance at `url`: its token.
async fn enrolled(url: &str, db: &str, ipay_url: &str) -> Secret {
    let printed = admin(db, ipay_url, &["enroll-code", "--outlet", DEMO_OUTLET_ID]);
    let code = printed
        .trim()
        .strip_prefix("enrolment code: ")
        .unwrap()
        .to_string();
    Secret::new(relay_api::enroll(url, &code, "pc").await.unwrap().token)
}

fn client(url: &str, token: &Secret) -> RelayClient {
    RelayClient::new(url, token.clone(), Duration::from_secs(40)).unwrap()
}

async fn device(url: &str, db: &str, ipay_url: &str) -> RelayClient {
    client(url, &enrolled(url, db, ipay_url).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relay_instances_on_one_postgres_charge_an_outlet_once() {
    let Some(db) = common::postgres_url().await else {
        return;
    };
    let sandbox = ipay::start(SandboxConfig::default()).await.unwrap();
    let ipay_url = sandbox.base_url().to_string();
    add_demo_outlet(&db, &ipay_url);
    let (a, b) = (start(&db, &ipay_url), start(&db, &ipay_url));
    let (da, db_) = (
        device(&a.url, &db, &ipay_url).await,
        device(&b.url, &db, &ipay_url).await,
    );
    // The first login is slow at InstantPay: the second reaches the other instance meanwhile.
    sandbox
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::Slow(Duration::from_millis(700))));
    let (ra, rb) = (common::login_request(), common::login_request());
    let first = tokio::spawn(async move { da.login(&ra).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = db_.login(&rb).await.unwrap();
    let first = first.await.unwrap().unwrap();
    for r in [&first, &second] {
        assert!(matches!(r.outcome, LoginOutcome::LoggedIn { .. }), "{r:?}");
    }
    assert_eq!(
        [&first, &second]
            .iter()
            .filter(|r| r.shared_from.is_some())
            .count(),
        1
    );
    assert_eq!(sandbox.state().login_requests(), 1);
    assert_eq!(sandbox.charges(), 1);

    let csv = admin(&db, &ipay_url, &["report"]);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert_eq!(csv.matches(",yes,").count(), 1, "{csv}");
    assert_eq!(csv.matches(",shared,no,").count(), 1, "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_mid_login_is_settled_by_the_other_never_paid_again() {
    let Some(db) = common::postgres_url().await else {
        return;
    };
    let sandbox = ipay::start(SandboxConfig::default()).await.unwrap();
    let ipay_url = sandbox.base_url().to_string();
    add_demo_outlet(&db, &ipay_url);
    // Short deadlines, so that a claim left by a dead instance is judged within the test.
    let quick = ["--read-timeout-secs", "1", "--settle-window-secs", "62"];
    let mut a = start_with(&db, &ipay_url, &quick);
    let b = start_with(&db, &ipay_url, &quick);
    let token_a = enrolled(&a.url, &db, &ipay_url).await;
    let (da, db_) = (
        client(&a.url, &token_a),
        device(&b.url, &db, &ipay_url).await,
    );
    // InstantPay processes (and charges) the login at once, and answers late.
    sandbox
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::Slow(Duration::from_secs(5))));
    let ra = common::login_request();
    let attempt = ra.external_ref.clone();
    let first = {
        let da = da.clone();
        tokio::spawn(async move { da.login(&ra).await })
    };
    while sandbox.state().login_requests() == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The instance dies with the login in flight: its claim stays behind.
    a.child.kill().unwrap();
    a.child.wait().unwrap();
    let first = first.await.unwrap().unwrap();
    assert!(
        matches!(first.outcome, LoginOutcome::Unknown { .. }),
        "{first:?}"
    );

    // The outlet's other PC, through the other instance: it waits for the claim to go stale,
    // settles it with the status (logged in), and shares that login.
    let second = db_.login(&common::login_request()).await.unwrap();
    assert!(
        matches!(second.outcome, LoginOutcome::LoggedIn { .. }),
        "{second:?}"
    );
    assert_eq!(second.shared_from.as_deref(), Some(attempt.as_str()));
    assert_eq!(sandbox.state().login_requests(), 1);
    assert_eq!(sandbox.charges(), 1);

    // The first PC asks the surviving instance what became of its attempt: logged in.
    let settled = client(&b.url, &token_a).attempt(&attempt).await.unwrap();
    assert!(
        matches!(settled.outcome, Some(LoginOutcome::LoggedIn { .. })),
        "{settled:?}"
    );
    let csv = admin(&db, &ipay_url, &["report"]);
    assert_eq!(csv.matches(",yes,").count(), 1, "{csv}");
}

fn code_of(r: Result<relay_api::LoginReply, instantpay::ApiError>) -> String {
    match r {
        Err(instantpay::ApiError::Relay { code, .. }) => code,
        other => panic!("not a relay refusal: {other:?}"),
    }
}

fn declined(r: Result<relay_api::LoginReply, instantpay::ApiError>) {
    let r = r.unwrap();
    assert!(
        matches!(r.outcome, LoginOutcome::LoginRequired { .. }),
        "{r:?}"
    );
}

/// The decline guard holds an outlet across relay instances, and the admin's lift on the
/// shared database lets it go on through either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decline_guard_holds_across_instances_until_the_admin_lifts_it() {
    let Some(db) = common::postgres_url().await else {
        return;
    };
    let sandbox = ipay::start(SandboxConfig::default()).await.unwrap();
    let ipay_url = sandbox.base_url().to_string();
    add_demo_outlet(&db, &ipay_url);
    let (a, b) = (start(&db, &ipay_url), start(&db, &ipay_url));
    let (da, db_) = (
        device(&a.url, &db, &ipay_url).await,
        device(&b.url, &db, &ipay_url).await,
    );
    sandbox
        .state()
        .set_fault(PATH_LOGIN, Some(Fault::BiometricMismatch));
    declined(da.login(&common::login_request()).await);
    declined(db_.login(&common::login_request()).await);
    for d in [&da, &db_] {
        assert_eq!(
            code_of(d.login(&common::login_request()).await),
            relay_api::codes::DECLINE_GUARD
        );
    }
    assert_eq!(sandbox.charges(), 2);

    let shown = admin(
        &db,
        &ipay_url,
        &["guard", "show", "--outlet", DEMO_OUTLET_ID],
    );
    assert!(shown.contains("held by the decline guard"), "{shown}");
    let lifted = admin(
        &db,
        &ipay_url,
        &[
            "guard",
            "lift",
            "--outlet",
            DEMO_OUTLET_ID,
            "--by",
            "asha",
            "--what",
            "declines",
        ],
    );
    assert!(lifted.contains("by asha"), "{lifted}");
    sandbox.state().set_fault(PATH_LOGIN, None);
    let ok = db_.login(&common::login_request()).await.unwrap();
    assert!(
        matches!(ok.outcome, LoginOutcome::LoggedIn { .. }),
        "{ok:?}"
    );
    assert_eq!(sandbox.charges(), 3);
    let shown = admin(
        &db,
        &ipay_url,
        &["guard", "show", "--outlet", DEMO_OUTLET_ID],
    );
    assert!(shown.contains("not held"), "{shown}");
    assert!(shown.contains("declines in a row: 0"), "{shown}");
}

/// A database made before the guards gets their column and table once, however many
/// instances start on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_postgres_database_is_migrated_once() {
    let Some(db) = common::postgres_url().await else {
        return;
    };
    let (client, conn) = tokio_postgres::connect(&db, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
        .batch_execute(
            "CREATE TABLE relay_attempts (external_ref TEXT PRIMARY KEY, outlet_id TEXT NOT NULL,
               day TEXT NOT NULL, device_id TEXT NOT NULL, created_at BIGINT NOT NULL,
               updated_at BIGINT NOT NULL, state TEXT NOT NULL, charged BIGINT, statuscode TEXT,
               actcode TEXT, ipay_uuid TEXT, shared_from TEXT, outcome TEXT);
             INSERT INTO relay_attempts VALUES ('OLD1', '72762', '2026-12-01', 'dev', 1, 1,
               'rejected', 1, 'TXN', 'LOGINREQUIRED', NULL, NULL, NULL);",
        )
        .await
        .unwrap();
    let opened = open_twice_at_once(&db).await;
    for store in &opened {
        let old = store.attempt("OLD1").await.unwrap().unwrap();
        assert_eq!(old.decline, None);
        assert!(store.lifts("72762", 5).await.unwrap().is_empty());
    }
    let ids: Vec<i64> = client
        .query("SELECT id FROM relay_migrations", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1]);
}

/// Two stores opened on `db` at once, as two instances starting together.
async fn open_twice_at_once(db: &str) -> Vec<rd_relay::Store> {
    let (a, b) = tokio::join!(rd_relay::Store::open(db), rd_relay::Store::open(db));
    vec![a.unwrap(), b.unwrap()]
}
