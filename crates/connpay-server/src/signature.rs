//! The ConnPay signatures (docs/connpay.md): HMAC-SHA1 over a plain concatenation, keyed with
//! the endpoint's control key, written as 40 uppercase hex digits; and the merchant callback's
//! `control`, a plain SHA-1 over the callback's fields and the merchant control key as text.

use std::fmt;

use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

type HmacSha1 = Hmac<Sha1>;

/// Why a control key was refused. The messages never contain the key.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ControlKeyError {
    #[error(
        "The ConnPay control key is not hexadecimal: copy it exactly as ConnPay issued it (a UUID such as B17F59B4-A7DC-41B4-8FF9-37D986B43D20)"
    )]
    NotHex,
    #[error(
        "The ConnPay control key is too short: it must hold at least 16 bytes (32 hex digits); copy it exactly as ConnPay issued it"
    )]
    TooShort,
}

/// The endpoint's control key as raw bytes: the issued text with dashes removed, hex-decoded;
/// and the text itself, which the merchant callback's `control` is computed with by default.
/// Zeroized on drop; `Debug` shows only the length.
#[derive(Clone)]
pub struct ControlKey(Zeroizing<Vec<u8>>, CallbackKey, HmacSha1);

impl ControlKey {
    /// Parses the key as ConnPay issues it (UUID-shaped; dashes and surrounding whitespace
    /// ignored, either case).
    pub fn parse(text: &str) -> Result<Self, ControlKeyError> {
        let compact: Zeroizing<String> =
            Zeroizing::new(text.trim().chars().filter(|c| *c != '-').collect());
        let bytes = hex::decode(compact.as_bytes()).map_err(|_| ControlKeyError::NotHex)?;
        let bytes = Zeroizing::new(bytes);
        if bytes.len() < 16 {
            return Err(ControlKeyError::TooShort);
        }
        // Keyed once: each signature then starts from a copy of the keyed state instead of
        // hashing the key's pads again (BENCHMARKS.md, connpay-server).
        let mac = keyed(&bytes);
        Ok(ControlKey(bytes, CallbackKey::new(text), mac))
    }

    /// The key as the merchant callback uses it: the issued text, dashes included.
    pub fn callback_key(&self) -> CallbackKey {
        self.1.clone()
    }

    fn sign(&self, parts: &[&str]) -> String {
        let mut mac = self.2.clone();
        for part in parts {
            mac.update(part.as_bytes());
        }
        hex::encode_upper(mac.finalize().into_bytes())
    }

    /// The signature answered by initiate-verification:
    /// `accessToken + serialNumber + endpointId + nonce + invoiceId + currency`.
    pub fn initiate_signature(
        &self,
        access_token: &str,
        serial_number: &str,
        endpoint_id: &str,
        nonce: &str,
        invoice_id: &str,
        currency: &str,
    ) -> String {
        self.sign(&[
            access_token,
            serial_number,
            endpoint_id,
            nonce,
            invoice_id,
            currency,
        ])
    }

    /// The signature answered by the card-mapping notification: `nonce + endpointId + invoiceId`.
    pub fn notification_signature(
        &self,
        nonce: &str,
        endpoint_id: &str,
        invoice_id: &str,
    ) -> String {
        self.sign(&[nonce, endpoint_id, invoice_id])
    }

    /// The signature answered by check: `serialNumber + nonce + endpointId + invoiceId`.
    pub fn check_signature(
        &self,
        serial_number: &str,
        nonce: &str,
        endpoint_id: &str,
        invoice_id: &str,
    ) -> String {
        self.sign(&[serial_number, nonce, endpoint_id, invoice_id])
    }
}

fn keyed(key: &[u8]) -> HmacSha1 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha1::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// The merchant control key as text, for the callback's `control`: SHA-1 over
/// `status + orderid + client_orderid + key`, the key exactly as issued (surrounding whitespace
/// dropped, dashes kept). Zeroized on drop; `Debug` shows nothing of it.
#[derive(Clone)]
pub struct CallbackKey(Zeroizing<String>);

impl CallbackKey {
    /// The key as given, without the whitespace a file or a shell may add around it.
    pub fn new(text: &str) -> CallbackKey {
        CallbackKey(Zeroizing::new(text.trim().to_owned()))
    }

    /// Whether `control` (hex, either case) is the callback's digest, compared in constant time.
    pub fn verifies(
        &self,
        status: &str,
        orderid: &str,
        client_orderid: &str,
        control: &str,
    ) -> bool {
        let mut sha = Sha1::new();
        for part in [status, orderid, client_orderid, self.0.as_str()] {
            sha.update(part.as_bytes());
        }
        let want = sha.finalize();
        let Ok(given) = hex::decode(control) else {
            return false;
        };
        ct_eq(&want, &given)
    }
}

impl fmt::Debug for CallbackKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackKey(<redacted>)")
    }
}

impl fmt::Debug for ControlKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ControlKey(<redacted, {} bytes>)", self.0.len())
    }
}

/// Compares two byte strings in time that depends only on their lengths, never on where they
/// first differ.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "B17F59B4-A7DC-41B4-8FF9-37D986B43D20";
    const NOTIFICATION_VECTOR: &str = "3127D9625F56174B828488F4A73F8F30E27B3220";
    const CALLBACK_VECTOR: &str = "7179d788b691a96436626db74c1b0e363bcc7232";

    #[test]
    fn reproduces_the_documented_test_vector() {
        let key = ControlKey::parse(KEY).unwrap();
        let sig = key.initiate_signature(
            "tokentokentokentokentokentokentok",
            "SN123",
            "1111",
            "nonce",
            "inv-1",
            "EUR",
        );
        assert_eq!(sig, "94E3EFE3EBD803DF639F00DDE225B8FE2EF7CF54");
    }

    #[test]
    fn key_case_and_dashes_do_not_matter() {
        let a = ControlKey::parse(KEY).unwrap();
        let b = ControlKey::parse(&KEY.to_lowercase().replace('-', "")).unwrap();
        assert_eq!(
            a.check_signature("SN", "n", "1", "i"),
            b.check_signature("SN", "n", "1", "i")
        );
    }

    #[test]
    fn check_signature_is_the_plain_concatenation() {
        // The same bytes split differently give the same MAC: no separators are added.
        let key = ControlKey::parse(KEY).unwrap();
        assert_eq!(
            key.check_signature("SN1", "23", "4", "5"),
            key.check_signature("SN", "123", "45", "")
        );
        let sig = key.check_signature("SN123", "nonce", "1111", "inv-1");
        assert_eq!(sig.len(), 40);
        assert!(
            sig.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        );
    }

    #[test]
    fn bad_keys_are_refused_without_echo() {
        let err = ControlKey::parse("not-a-key-zzzz").unwrap_err();
        assert_eq!(err, ControlKeyError::NotHex);
        assert!(!err.to_string().contains("zzzz"));
        assert_eq!(
            ControlKey::parse("B17F59B4").unwrap_err(),
            ControlKeyError::TooShort
        );
        assert_eq!(
            ControlKey::parse("").unwrap_err(),
            ControlKeyError::TooShort
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let key = ControlKey::parse(KEY).unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.to_uppercase().contains("B17F59B4"));
        assert!(shown.contains("16 bytes"));
    }

    #[test]
    fn notification_signature_is_nonce_endpoint_invoice() {
        // python3 -c "import hmac,hashlib;print(hmac.new(bytes.fromhex('B17F59B4A7DC41B48FF937D986B43D20'),
        //   b'nonce1111inv-1',hashlib.sha1).hexdigest().upper())"
        let key = ControlKey::parse(KEY).unwrap();
        assert_eq!(
            key.notification_signature("nonce", "1111", "inv-1"),
            NOTIFICATION_VECTOR
        );
    }

    #[test]
    fn callback_control_is_sha1_of_fields_and_key_text() {
        // python3 -c "import hashlib;print(hashlib.sha1(b'approved'+b'1234567'+b'INV1'
        //   +b'B17F59B4-A7DC-41B4-8FF9-37D986B43D20').hexdigest())"
        let key = ControlKey::parse(&format!(" {KEY}\n"))
            .unwrap()
            .callback_key();
        assert!(key.verifies("approved", "1234567", "INV1", CALLBACK_VECTOR));
        assert!(key.verifies(
            "approved",
            "1234567",
            "INV1",
            &CALLBACK_VECTOR.to_uppercase()
        ));
        assert!(!key.verifies("declined", "1234567", "INV1", CALLBACK_VECTOR));
        assert!(!key.verifies("approved", "1234567", "INV1", "zz"));
        assert!(!key.verifies("approved", "1234567", "INV1", ""));
        assert!(!format!("{key:?}").contains("B17F"));
    }

    #[test]
    fn ct_eq_compares() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }
}
