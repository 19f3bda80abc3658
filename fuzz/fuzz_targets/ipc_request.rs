//! The service's IPC request line parser: any bytes a local client sends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rd_agent::agent::protocol::{Message, parse_message, parse_request};
use rd_agent::i18n::{Catalog, Lang};

fuzz_target!(|data: &[u8]| {
    let _ = parse_request(data);
    // And the client side: whatever a (broken) service sends back, rendered as the tray and
    // the commands render it (ids that do not exist, nested messages, wrong argument types).
    if let Ok(m) = parse_message(data) {
        for lang in Lang::ALL {
            let cat = Catalog::get(lang);
            match &m {
                Message::Status { state, .. } | Message::State { state, .. } => {
                    let _ = cat.render(&state.msg());
                }
                Message::Login(o) => {
                    let _ = cat.render(&o.said());
                }
                Message::Reminder { said: Some(s), .. } | Message::Error { said: Some(s), .. } => {
                    let _ = cat.render(s);
                }
                _ => {}
            }
        }
    }
});
