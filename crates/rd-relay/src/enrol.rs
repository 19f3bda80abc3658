//! Enrolment codes and device tokens. A code is 12 letters and digits in three groups
//! (`K7QM-4XTP-9DHC`, about 60 bits, single use, expiring); a token is 256 random bits. Both
//! are stored only as SHA-256, which is enough for random values and fast enough for the
//! morning peak; the stored digest is compared in constant time.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use relay_api::{EnrollReply, TOKEN_BYTES, TOKEN_PREFIX, codes};
use subtle::ConstantTimeEq;

use crate::Relay;
use crate::refusal::Refuse;
use crate::store::{Device, StoreError, digest};

/// Letters and digits no one misreads (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

pub(crate) fn new_code() -> String {
    let mut rng = rand::rng();
    let groups: Vec<String> = (0..3)
        .map(|_| {
            (0..4)
                .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    groups.join("-")
}

/// A code as typed: case and dashes do not matter.
pub(crate) fn normalise_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill(&mut bytes[..]);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(bytes));
    zeroize::Zeroize::zeroize(&mut bytes);
    token
}

fn new_device_id() -> String {
    let mut bytes = [0u8; 6];
    rand::rng().fill(&mut bytes[..]);
    format!("dev-{}", hex::encode(bytes))
}

/// Issue a code for a registered outlet.
pub async fn issue_code(
    relay: &Relay,
    outlet_id: &str,
    valid_for: Duration,
) -> Result<Option<String>, StoreError> {
    if relay.store.outlet(outlet_id).await?.is_none() {
        return Ok(None);
    }
    let code = new_code();
    let now = relay.clock.now();
    relay
        .store
        .put_code(
            &digest(&normalise_code(&code)),
            outlet_id,
            now,
            now + valid_for,
        )
        .await?;
    Ok(Some(code))
}

/// `POST /v1/enroll`.
/// A device's label as the relay keeps and lists it: printable characters only, without the
/// bidirectional and format controls that could make one device's line in `devices` read
/// as another's (U+202E turns text around), at most 64.
pub(crate) fn shown_label(label: &str) -> String {
    let invisible = |c: char| {
        matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
    };
    label
        .chars()
        .filter(|&c| !c.is_control() && !invisible(c))
        .take(64)
        .collect()
}

pub(crate) async fn enroll(relay: &Relay, code: &str, label: &str) -> Result<EnrollReply, Refuse> {
    let now: DateTime<Utc> = relay.clock.now();
    let invalid = || {
        Refuse::new(
            codes::CODE_INVALID,
            "this enrolment code is unknown, used or expired",
        )
    };
    let code = normalise_code(code);
    if code.len() != 12 {
        return Err(invalid());
    }
    let outlet_id = relay
        .store
        .redeem_code(&digest(&code), now)
        .await?
        .ok_or_else(invalid)?;
    let outlet = relay.store.outlet(&outlet_id).await?.ok_or_else(invalid)?;
    let token = new_token();
    let device = Device {
        device_id: new_device_id(),
        outlet_id: outlet_id.clone(),
        label: shown_label(label),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    relay.store.put_device(&device, &digest(&token)).await?;
    tracing::info!(device = %device.device_id, outlet = %outlet_id, label = %device.label, "enrolled a device");
    Ok(EnrollReply {
        device_id: device.device_id,
        token,
        outlet_id,
        latitude: outlet.latitude,
        longitude: outlet.longitude,
        sandbox_aadhaar: relay.settings.sandbox_aadhaar.clone(),
    })
}

/// The device a bearer token belongs to, if it is enrolled and not revoked.
pub(crate) async fn authenticate(relay: &Relay, token: Option<&str>) -> Result<Device, Refuse> {
    let unknown = || {
        Refuse::new(
            codes::DEVICE_UNKNOWN,
            "this computer is not enrolled with the relay",
        )
    };
    let token = token.ok_or_else(unknown)?;
    if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 2 * TOKEN_BYTES {
        return Err(unknown());
    }
    let hash = digest(token);
    let (device, stored) = relay
        .store
        .device_by_token(&hash)
        .await?
        .ok_or_else(unknown)?;
    if !bool::from(stored.as_bytes().ct_eq(hash.as_bytes())) {
        return Err(unknown());
    }
    if device.revoked_at.is_some() {
        return Err(Refuse::new(
            codes::DEVICE_REVOKED,
            "the platform revoked this computer's enrolment",
        ));
    }
    Ok(device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_printable_text_and_lose_controls_that_could_spoof_a_line() {
        assert_eq!(shown_label("Counter PC"), "Counter PC");
        assert_eq!(shown_label("काउंटर 2"), "काउंटर 2");
        // Right-to-left override: "PC-evil\u{202E}kcab" would read as "PC-evilback".
        assert_eq!(shown_label("PC-evil\u{202E}kcab"), "PC-evilkcab");
        assert_eq!(
            shown_label("a\u{200B}b\u{2066}c\u{FEFF}d\u{00AD}e\u{0007}f\n"),
            "abcdef"
        );
        assert_eq!(shown_label(&"x".repeat(500)).len(), 64);
    }

    #[test]
    fn codes_are_three_groups_of_unambiguous_characters() {
        let c = new_code();
        assert_eq!(c.len(), 14);
        assert_eq!(c.matches('-').count(), 2);
        assert!(
            c.bytes()
                .filter(|b| *b != b'-')
                .all(|b| CODE_ALPHABET.contains(&b))
        );
        assert_ne!(new_code(), new_code());
    }

    #[test]
    fn a_code_may_be_typed_in_lower_case_without_dashes() {
        assert_eq!(normalise_code(" k7qm-4xtp 9dhc\n"), "K7QM4XTP9DHC");
    }

    #[test]
    fn tokens_are_256_random_bits_with_the_prefix() {
        let t = new_token();
        assert!(t.starts_with("rdr_"));
        assert_eq!(t.len(), 4 + 64);
        assert_ne!(t, new_token());
    }
}
