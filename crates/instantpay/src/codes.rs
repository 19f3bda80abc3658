//! InstantPay's `statuscode` and `actcode`: enums that keep unknown values verbatim, each known
//! code with a sentence an operator can act on. Decisions are made on these, never on `status`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! code_enum {
    (
        $(#[$meta:meta])* $name:ident {
            $( $variant:ident = $text:literal => $meaning:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( #[doc = $meaning] $variant, )*
            /// A code this build does not know, kept exactly as received.
            Other(String),
        }

        impl $name {
            /// Parse a code; unknown values are kept verbatim (never guessed).
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_string()),
                }
            }

            /// The code as InstantPay writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }

            /// What the code means and what the operator should do.
            pub fn meaning(&self) -> &'static str {
                match self {
                    $( $name::$variant => $meaning, )*
                    $name::Other(_) => "a code rd-agent does not know: quote it to InstantPay support",
                }
            }

            /// Every known code, for documentation tables.
            pub fn known() -> &'static [(&'static str, &'static str)] {
                &[ $( ($text, $meaning), )* ]
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}

code_enum! {
    /// `statuscode` of the reply envelope.
    StatusCode {
        Txn = "TXN" => "success",
        Tup = "TUP" => "transaction under process: do not resubmit; check the status later",
        Err = "ERR" => "failure reported by the provider or bank: try again later",
        Rpi = "RPI" => "invalid parameters in the request: check the outlet's latitude/longitude and the capture",
        Iac = "IAC" => "invalid credentials: check instantpay.client_id and the client secret",
        Uad = "UAD" => "access denied: check that this machine's IP (instantpay.endpoint_ip) is whitelisted with InstantPay",
        Iat = "IAT" => "invalid token or auth code: check the client credentials",
        Oui = "OUI" => "outlet unauthorised or inactive: re-onboard the outlet if it has not transacted in 6 months",
        Odi = "ODI" => "outlet data incorrect: check instantpay.outlet_id and the operator's Aadhaar",
        Dtx = "DTX" => "duplicate transaction: this externalRef was already used",
        Did = "DID" => "duplicate request id: this externalRef was already used",
        Ise = "ISE" => "InstantPay internal error: try again later",
        Ipe = "IPE" => "InstantPay internal processing error: try again later",
        Spd = "SPD" => "service provider down: try again later",
        Spe = "SPE" => "service provider error: try again later",
        Usm = "USM" => "InstantPay is under maintenance: try again later",
        Sna = "SNA" => "service not available for this account: ask InstantPay to enable AePS for the outlet",
    }
}

code_enum! {
    /// `actcode` of the reply envelope: the action the caller should take.
    ActCode {
        LoggedIn = "LOGGEDIN" => "the outlet is logged in for today",
        LoginRequired = "LOGINREQUIRED" => "the outlet must do its daily biometric login",
    }
}

impl StatusCode {
    /// Codes that mean the request never reached the bank (credentials, validation, outlet
    /// state): the attempt is not expected to be charged.
    pub(crate) fn refused_before_processing(&self) -> bool {
        matches!(
            self,
            StatusCode::Rpi
                | StatusCode::Iac
                | StatusCode::Uad
                | StatusCode::Iat
                | StatusCode::Oui
                | StatusCode::Odi
                | StatusCode::Dtx
                | StatusCode::Did
                | StatusCode::Usm
                | StatusCode::Sna
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(StatusCode::parse("TXN"), StatusCode::Txn);
        assert_eq!(StatusCode::parse("OUI").as_str(), "OUI");
        assert!(StatusCode::Oui.meaning().contains("6 months"));
        let odd = StatusCode::parse("XYZ");
        assert_eq!(odd, StatusCode::Other("XYZ".into()));
        assert_eq!(odd.to_string(), "XYZ");
        // Case matters: the API writes upper case; anything else is kept, not guessed.
        assert_eq!(StatusCode::parse("txn"), StatusCode::Other("txn".into()));
        assert_eq!(ActCode::parse("LOGGEDIN"), ActCode::LoggedIn);
        assert_eq!(ActCode::parse(""), ActCode::Other(String::new()));
    }

    #[test]
    fn serde_round_trip_keeps_verbatim() {
        let v: Vec<StatusCode> = serde_json::from_str(r#"["TXN","NEW1"]"#).unwrap();
        assert_eq!(v, vec![StatusCode::Txn, StatusCode::Other("NEW1".into())]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["TXN","NEW1"]"#);
        assert!(serde_json::from_str::<StatusCode>("12").is_err());
    }

    #[test]
    fn every_known_code_has_a_sentence() {
        for (code, meaning) in StatusCode::known().iter().chain(ActCode::known()) {
            assert!(!meaning.is_empty(), "{code}");
            assert_eq!(StatusCode::parse(code).as_str(), *code);
        }
    }
}
