//! PidOptions: the body of a CAPTURE request (docs/rd-service.md), one line, no XML declaration.

use std::time::Duration;

/// Capture options. Build with [`PidOptions::new`] and the setters, then [`PidOptions::to_xml`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PidOptions {
    pub f_count: u8,
    /// 0 = FMR, 1 = FIR, 2 = FMR+FIR (the default; NPCI guidance for AePS).
    pub f_type: u8,
    pub i_count: u8,
    pub p_count: u8,
    /// 0 = XML.
    pub format: u8,
    pub pid_ver: String,
    /// How long the service waits for a finger, in milliseconds.
    pub timeout_ms: u32,
    pub posh: String,
    /// `P` production, `PP` pre-production, `S` staging.
    pub env: String,
    /// Only for eKYC; left out when empty.
    pub wadh: String,
}

/// A PidOptions value the RD Service would reject anyway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error("fCount must be 1 to 10, not {0}")]
    FCount(u8),
    #[error("fType must be 0 (FMR), 1 (FIR) or 2 (FMR+FIR), not {0}")]
    FType(u8),
    #[error("the capture timeout must be 1000 to 120000 ms, not {0}")]
    Timeout(u32),
    #[error("env must be P (production), PP (pre-production) or S (staging), not {0:?}")]
    Env(String),
}

/// The PidOptions `env`: which UIDAI environment the capture is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum RdEnv {
    /// `P`, production: what every real outlet uses.
    #[default]
    Production,
    /// `PP`, pre-production.
    PreProduction,
    /// `S`, staging.
    Staging,
}

impl RdEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            RdEnv::Production => "P",
            RdEnv::PreProduction => "PP",
            RdEnv::Staging => "S",
        }
    }
}

impl std::str::FromStr for RdEnv {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "P" => Ok(RdEnv::Production),
            "PP" => Ok(RdEnv::PreProduction),
            "S" => Ok(RdEnv::Staging),
            other => Err(OptionsError::Env(other.chars().take(10).collect())),
        }
    }
}

impl TryFrom<String> for RdEnv {
    type Error = OptionsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<RdEnv> for String {
    fn from(e: RdEnv) -> String {
        e.as_str().to_string()
    }
}

impl std::fmt::Display for RdEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Default for PidOptions {
    fn default() -> Self {
        PidOptions {
            f_count: 1,
            f_type: 2,
            i_count: 0,
            p_count: 0,
            format: 0,
            pid_ver: "2.0".into(),
            timeout_ms: 10_000,
            posh: "UNKNOWN".into(),
            env: "P".into(),
            wadh: String::new(),
        }
    }
}

impl PidOptions {
    /// The defaults: one finger, fType 2, 10 s, env P.
    pub fn new() -> Self {
        Self::default()
    }

    pub fn f_count(mut self, n: u8) -> Self {
        self.f_count = n;
        self
    }

    pub fn f_type(mut self, t: u8) -> Self {
        self.f_type = t;
        self
    }

    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = ms;
        self
    }

    pub fn env(mut self, env: impl Into<String>) -> Self {
        self.env = env.into();
        self
    }

    pub fn wadh(mut self, wadh: impl Into<String>) -> Self {
        self.wadh = wadh.into();
        self
    }

    /// Check the values against what the services accept (Startek: 1 s to 120 s).
    pub fn validate(&self) -> Result<(), OptionsError> {
        if !(1..=10).contains(&self.f_count) {
            return Err(OptionsError::FCount(self.f_count));
        }
        if self.f_type > 2 {
            return Err(OptionsError::FType(self.f_type));
        }
        if !(1_000..=120_000).contains(&self.timeout_ms) {
            return Err(OptionsError::Timeout(self.timeout_ms));
        }
        self.env.parse::<RdEnv>()?;
        Ok(())
    }

    /// How long the service may take for the finger.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(u64::from(self.timeout_ms))
    }

    /// The CAPTURE body: one line, no XML declaration, no CustOpts.
    pub fn to_xml(&self) -> String {
        let wadh = if self.wadh.is_empty() {
            String::new()
        } else {
            format!(" wadh=\"{}\"", escape(&self.wadh))
        };
        format!(
            "<PidOptions ver=\"1.0\"><Opts fCount=\"{}\" fType=\"{}\" iCount=\"{}\" pCount=\"{}\" format=\"{}\" pidVer=\"{}\" timeout=\"{}\" posh=\"{}\" env=\"{}\"{wadh}/></PidOptions>",
            self.f_count,
            self.f_type,
            self.i_count,
            self.p_count,
            self.format,
            escape(&self.pid_ver),
            self.timeout_ms,
            escape(&self.posh),
            escape(&self.env),
        )
    }
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_documented_line() {
        assert_eq!(
            PidOptions::new().to_xml(),
            r#"<PidOptions ver="1.0"><Opts fCount="1" fType="2" iCount="0" pCount="0" format="0" pidVer="2.0" timeout="10000" posh="UNKNOWN" env="P"/></PidOptions>"#
        );
        assert!(PidOptions::new().validate().is_ok());
    }

    #[test]
    fn setters_and_validation() {
        let o = PidOptions::new()
            .f_type(0)
            .f_count(2)
            .timeout_ms(5000)
            .env("PP");
        assert!(o.to_xml().contains(r#"fCount="2" fType="0""#));
        assert!(o.to_xml().contains(r#"timeout="5000""#) && o.to_xml().contains(r#"env="PP""#));
        assert!(!o.to_xml().contains('\n') && !o.to_xml().starts_with("<?xml"));
        assert_eq!(
            PidOptions::new().f_count(0).validate(),
            Err(OptionsError::FCount(0))
        );
        assert_eq!(
            PidOptions::new().f_type(3).validate(),
            Err(OptionsError::FType(3))
        );
        assert_eq!(
            PidOptions::new().timeout_ms(500).validate(),
            Err(OptionsError::Timeout(500))
        );
        assert!(PidOptions::new().env("X\"").validate().is_err());
        assert!(PidOptions::new().env("a\"b").to_xml().contains("a&quot;b"));
        assert!(
            PidOptions::new()
                .wadh("abc=")
                .to_xml()
                .contains(r#" wadh="abc=""#)
        );
    }
}
