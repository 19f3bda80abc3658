//! The HTTP limit for connpay_load: a server on connpay-server's own connection handling
//! (`connpay_server::serve_router`) that answers the calls (the notification and the callback
//! included) with JSON of the same size as the real answers, without parsing, checking or storing anything. connpay_load run against it
//! shows what the HTTP stack and the load generator alone cost on this machine.
//!
//! cargo build --release -p connpay-server --example connpay_noop --example connpay_load
//! target/release/examples/connpay_load --server target/release/examples/connpay_noop --db none
//!
//! It takes connpay-server's arguments so connpay_load can start it the same way; only
//! `--listen` is used.

use axum::Router;
use axum::body::Bytes;
use axum::routing::{get, post};
use connpay_server::{Config, ControlKey};
use serde_json::{Value, json};

const TOKEN: &str = "bm9vcC1hY2Nlc3MtdG9rZW4tb2YtNDMtY2hhcmFjdGVy";
const NONCE: &str = "bm9vcC1ub25jZS1vZi1mb3J0eS10aHJlZS1jaGFyYWN0";
const INVOICE: &str = "INV0123456789ABCDEF0123456789ABCDEF";
const SIGNATURE: &str = "0123456789ABCDEF0123456789ABCDEF01234567";

async fn access_token(_body: Bytes) -> axum::Json<Value> {
    axum::Json(json!({"session": {"accessToken": TOKEN, "expiresAt": "2026-12-01T10:00:00Z"}}))
}

async fn initiate(_body: Bytes) -> axum::Json<Value> {
    axum::Json(json!({"endpointId": "1111", "invoiceId": INVOICE,
                      "session": {"nonce": NONCE, "signature": SIGNATURE}}))
}

async fn check(_body: Bytes) -> axum::Json<Value> {
    axum::Json(json!({"invoiceId": INVOICE,
                      "session": {"checkSignature": SIGNATURE, "nonce": NONCE,
                                  "token": "connpay-000000000000"},
                      "transaction": {"currency": "INR"}}))
}

async fn notification(_body: Bytes) -> axum::Json<Value> {
    axum::Json(json!({"invoiceId": INVOICE,
                      "session": {"checkSignature": SIGNATURE, "nonce": NONCE,
                                  "token": "connpay-000000000000"}}))
}

async fn callback() -> &'static str {
    "OK\n"
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut listen = "127.0.0.1:0".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        if flag == "--listen" {
            listen = value;
        }
    }
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    server_base::console::line(&format!("listening on {}", listener.local_addr()?));
    let app = Router::new()
        .route("/auth/access-token", post(access_token))
        .route("/verification/initiate-verification", post(initiate))
        .route("/verification/{invoice_id}/check", post(check))
        .route("/verification/notification", post(notification))
        .route("/verification/callback", get(callback));
    let key = ControlKey::parse("B17F59B4-A7DC-41B4-8FF9-37D986B43D20").expect("a valid key");
    let mut config = Config::new("1111", key);
    // connpay_load's clients all come from 127.0.0.1, as with the real server it starts.
    config.max_connections_per_address = 1000;
    connpay_server::serve_router(listener, app, &config, std::future::pending()).await
}
