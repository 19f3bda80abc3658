//! config.toml, the secrets file and environment overrides: never a panic; what loads
//! round-trips through `to_toml`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rd_agent::config::{Config, Secrets};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cfg) = Config::from_sources(text, "fuzz", std::iter::empty()) {
        let back = Config::from_sources(&cfg.to_toml(), "fuzz", std::iter::empty())
            .expect("what loaded must load again");
        assert_eq!(back, cfg);
    }
    let _ = Secrets::parse(text);
    // The first line as an environment override of every kind of key.
    let line = text.lines().next().unwrap_or("").to_string();
    for name in [
        "RD_AGENT_CAPTURE__MIN_QSCORE",
        "RD_AGENT_RD__PORTS",
        "RD_AGENT_OUTLET__LATITUDE",
        "RD_AGENT_SCHEDULE__REMINDER_AT",
    ] {
        let _ = Config::from_sources("", "fuzz", [(name.to_string(), line.clone())]);
    }
});
