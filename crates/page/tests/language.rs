//! A new session speaks the service's `ui.language` when the configuration names one, and
//! the user's own language when it says "auto". A real service (in-process, on a socket in a
//! temporary directory) answers the page's IPC.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{host, send, session};
use rd_agent::agent::ipc::{self, PeerPolicy};
use rd_agent::agent::{Agent, LiveBackend, Schedule};
use rd_agent::config::Paths;
use rd_agent::i18n::Lang;
use rd_agent_page::{PageOptions, start};

/// The page's `<html lang>` for a new session, with the service's config file holding `toml`.
async fn first_language(toml: &str, user: Lang) -> String {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, toml).unwrap();
    let socket = ipc::socket_path(Some(&state));
    let clock = Arc::new(clock::SystemClock);
    let agent = Agent::new(
        Arc::new(LiveBackend::new(Paths::of(config, state), clock.clone())),
        clock,
        Schedule::default(),
    );
    let listener = ipc::bind(&socket).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // The service admits its own account: this test's.
    let policy = PeerPolicy::system();
    let service = tokio::spawn(rd_agent::agent::run(
        listener,
        async move {
            let _ = stopped.await;
        },
        agent,
        policy,
    ));

    let page = start(PageOptions {
        socket,
        lang: user,
        idle_exit: None,
        publish_in: None,
    })
    .await
    .unwrap();
    let port = page.port();
    // The page learns the configuration once it reaches the service: wait for that, bounded.
    let mut html = String::new();
    for _ in 0..200 {
        let cookie = session(&page).await;
        html = send(port, "GET /", &[host(port), cookie], "").await.body;
        if !html.contains(&format!("<html lang=\"{}\">", code(user))) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = stop.send(());
    let _ = service.await;
    let start = html.find("<html lang=\"").expect("the page's html") + "<html lang=\"".len();
    html[start..start + 2].to_string()
}

fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Hi => "hi",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_speaks_the_configurations_language() {
    assert_eq!(
        first_language("[ui]\nlanguage = \"hi\"\n", Lang::En).await,
        "hi"
    );
    assert_eq!(
        first_language("[ui]\nlanguage = \"en\"\n", Lang::Hi).await,
        "en"
    );
}
