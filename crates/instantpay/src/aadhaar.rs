//! The Aadhaar number: validation (12 digits, first digit 2-9, Verhoeff check digit), masking,
//! and the AES-256-CBC encryption InstantPay asks for (docs/instantpay.md).
//!
//! An [`Aadhaar`] can only be built from a valid number, never shows its digits through `Debug`
//! or `Display`, and is zeroized on drop.

use std::fmt;

use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::{Zeroize, ZeroizeOnDrop};

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// A Verhoeff-valid test number for the demo outlet of the sandbox. It is not a real person's
/// Aadhaar: it was computed (first digits `99994105705`, check digit `8`) only to pass validation.
pub const DEMO_AADHAAR: &str = "9999 4105 7058";

/// Length of the key InstantPay issues, used as raw bytes.
pub const KEY_LEN: usize = 32;
/// Length of the IV prepended to the ciphertext.
pub(crate) const IV_LEN: usize = 16;
/// `encryptedAadhaar` is always this many characters: base64 of 16 IV + 16 ciphertext bytes.
pub(crate) const ENCRYPTED_LEN: usize = 44;

/// Why a number or a key was refused. Messages never contain the digits or the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AadhaarError {
    #[error("The Aadhaar number must have exactly 12 digits (spaces allowed); this one has {0}.")]
    Length(usize),
    #[error("The Aadhaar number may contain only digits and spaces.")]
    NotDigits,
    #[error("The Aadhaar number cannot start with 0 or 1: check the number typed.")]
    FirstDigit,
    #[error("The Aadhaar number fails its check digit (Verhoeff): check for a mistyped digit.")]
    CheckDigit,
    #[error(
        "The encryption key must be exactly 32 bytes (the \"Encryption Key\" InstantPay issues, \
         not the client secret); this one has {0} bytes."
    )]
    KeyLength(usize),
    #[error("encryptedAadhaar is not 44 characters of standard base64.")]
    Encoding,
    #[error("encryptedAadhaar could not be decrypted with this key (wrong key or damaged data).")]
    Decrypt,
}

/// A valid Aadhaar number, held as its 12 ASCII digits.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Aadhaar([u8; 12]);

impl Aadhaar {
    /// Accept 12 digits, with spaces anywhere (as printed on the card: `2345 6789 0124`).
    pub fn parse(input: &str) -> Result<Aadhaar, AadhaarError> {
        let mut digits = [0u8; 12];
        let mut n = 0usize;
        for b in input.bytes() {
            match b {
                b' ' => {}
                b'0'..=b'9' => {
                    if n < 12 {
                        digits[n] = b;
                    }
                    n += 1;
                }
                _ => {
                    digits.zeroize();
                    return Err(AadhaarError::NotDigits);
                }
            }
        }
        let number = Aadhaar(digits);
        if n != 12 {
            return Err(AadhaarError::Length(n));
        }
        if number.0[0] < b'2' {
            return Err(AadhaarError::FirstDigit);
        }
        if !verhoeff_valid(&number.0) {
            return Err(AadhaarError::CheckDigit);
        }
        Ok(number)
    }

    /// The demo outlet's test number ([`DEMO_AADHAAR`]).
    pub fn demo() -> Aadhaar {
        match Aadhaar::parse(DEMO_AADHAAR) {
            Ok(a) => a,
            // A unit test proves the constant valid; this arm cannot be reached.
            Err(_) => unreachable!("DEMO_AADHAAR is Verhoeff-valid"),
        }
    }

    /// `XXXX XXXX 1234`: the only form that may be shown.
    pub fn masked(&self) -> String {
        format!("XXXX XXXX {}", self.last_four())
    }

    /// The last four digits, as InstantPay's `aadhaarLastFour`.
    pub fn last_four(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0[8..]).unwrap_or("????")
    }

    /// The 12 digits. For the one place that must compare or send them; never print this.
    pub fn expose_digits(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// `base64(IV || AES-256-CBC-PKCS7(digits))` with a fresh random IV: 44 characters.
    pub fn encrypt(&self, key: &[u8]) -> Result<String, AadhaarError> {
        let iv: [u8; IV_LEN] = rand::random();
        self.encrypt_with_iv(key, &iv)
    }

    /// The same with a given IV: for test vectors only. Reusing an IV leaks equality of numbers.
    pub(crate) fn encrypt_with_iv(
        &self,
        key: &[u8],
        iv: &[u8; IV_LEN],
    ) -> Result<String, AadhaarError> {
        let key = check_key(key)?;
        let mut out = [0u8; IV_LEN + 16];
        out[..IV_LEN].copy_from_slice(iv);
        let enc = Aes256CbcEnc::new(key.into(), iv.into());
        // 12 bytes pad to exactly one 16-byte block, so the buffer always fits.
        let written = enc
            .encrypt_padded_b2b_mut::<Pkcs7>(&self.0, &mut out[IV_LEN..])
            .map_err(|_| AadhaarError::Encoding)?
            .len();
        debug_assert_eq!(written, 16);
        let encoded = STANDARD.encode(out);
        out.zeroize();
        Ok(encoded)
    }

    /// Reverse of [`Aadhaar::encrypt`]: the first 16 bytes are the IV. The result must be a
    /// valid number, so a wrong key almost always fails here rather than yielding digits.
    pub fn decrypt(encrypted: &str, key: &[u8]) -> Result<Aadhaar, AadhaarError> {
        let key = check_key(key)?;
        if encrypted.len() != ENCRYPTED_LEN {
            return Err(AadhaarError::Encoding);
        }
        let mut raw = STANDARD
            .decode(encrypted)
            .map_err(|_| AadhaarError::Encoding)?;
        if raw.len() != IV_LEN + 16 {
            raw.zeroize();
            return Err(AadhaarError::Encoding);
        }
        let mut iv = [0u8; IV_LEN];
        iv.copy_from_slice(&raw[..IV_LEN]);
        let dec = Aes256CbcDec::new(key.into(), (&iv).into());
        let mut plain = [0u8; 16];
        let result = match dec.decrypt_padded_b2b_mut::<Pkcs7>(&raw[IV_LEN..], &mut plain) {
            Ok(p) => std::str::from_utf8(p)
                .map_err(|_| AadhaarError::Decrypt)
                .and_then(|s| Aadhaar::parse(s).map_err(|_| AadhaarError::Decrypt)),
            Err(_) => Err(AadhaarError::Decrypt),
        };
        plain.zeroize();
        raw.zeroize();
        result
    }
}

fn check_key(key: &[u8]) -> Result<&[u8; KEY_LEN], AadhaarError> {
    key.try_into()
        .map_err(|_| AadhaarError::KeyLength(key.len()))
}

impl PartialEq for Aadhaar {
    fn eq(&self, other: &Self) -> bool {
        // Constant time: the sandbox compares a submitted number with the registered one.
        subtle::ConstantTimeEq::ct_eq(&self.0[..], &other.0[..]).into()
    }
}

impl Eq for Aadhaar {}

impl fmt::Debug for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Aadhaar({})", self.masked())
    }
}

impl fmt::Display for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::str::FromStr for Aadhaar {
    type Err = AadhaarError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Aadhaar::parse(s)
    }
}

// Verhoeff's tables. `D` is the multiplication of the dihedral group D5 (0-4 the rotations,
// 5-9 the reflections of a pentagon); row k of `P` is the k-th power of the permutation
// (0 1 5 8 9 4 2 7)(3 6), applied to the digit k places from the right; `INV` holds inverses in
// D5. The tests below derive all three from those definitions instead of trusting this copy:
// commit c7f7298 had a wrong row 4, which still caught every single-digit typo but refused
// about 3 in 10 real numbers (docs/instantpay.md, "The Aadhaar number").
const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV: [u8; 10] = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

/// True when the ASCII digits (check digit last) pass the Verhoeff check.
pub fn verhoeff_valid(digits: &[u8]) -> bool {
    let mut c = 0u8;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        c = D[c as usize][P[i % 8][(b - b'0') as usize] as usize];
    }
    c == 0
}

/// The Verhoeff check digit to append to the ASCII digits given.
pub fn verhoeff_check_digit(digits: &[u8]) -> Option<u8> {
    let mut c = 0u8;
    for (i, &b) in digits.iter().rev().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        c = D[c as usize][P[(i + 1) % 8][(b - b'0') as usize] as usize];
    }
    Some(b'0' + INV[c as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY1: &[u8; 32] = b"0123456789abcdef0123456789abcdef";

    /// D5 acting on the vertices 0..5 of a pentagon: element `r` (0-4) turns by `r`, element
    /// `5 + r` reflects (x -> r - x). Verhoeff numbers the group this way.
    fn d5_apply(e: u8, x: i32) -> i32 {
        let r = i32::from(e % 5);
        if e < 5 { x + r } else { r - x }.rem_euclid(5)
    }

    /// The element that does `a` after `b`, found by comparing the maps on every vertex.
    fn d5_mul(a: u8, b: u8) -> u8 {
        let composed: Vec<i32> = (0..5).map(|x| d5_apply(a, d5_apply(b, x))).collect();
        let found =
            (0..10u8).filter(|&c| (0..5).map(|x| d5_apply(c, x)).eq(composed.iter().copied()));
        let found: Vec<u8> = found.collect();
        assert_eq!(found.len(), 1, "{a}*{b}");
        found[0]
    }

    /// Row k of the position table: the k-th power of (0 1 5 8 9 4 2 7)(3 6).
    fn derived_p() -> [[u8; 10]; 8] {
        let mut base = [0u8; 10];
        for cycle in [&[0u8, 1, 5, 8, 9, 4, 2, 7][..], &[3, 6]] {
            for (i, &from) in cycle.iter().enumerate() {
                base[from as usize] = cycle[(i + 1) % cycle.len()];
            }
        }
        let mut rows = [[0u8; 10]; 8];
        rows[0] = core::array::from_fn(|x| x as u8);
        for k in 1..8 {
            rows[k] = core::array::from_fn(|x| base[rows[k - 1][x] as usize]);
        }
        rows
    }

    /// The check digit by the derived group, written apart from [`verhoeff_check_digit`].
    fn derived_check_digit(digits: &[u8]) -> u8 {
        let p = derived_p();
        let c = digits.iter().rev().enumerate().fold(0u8, |c, (i, b)| {
            d5_mul(c, p[(i + 1) % 8][(b - b'0') as usize])
        });
        let inverse = (0..10u8).find(|&x| d5_mul(c, x) == 0).unwrap();
        b'0' + inverse
    }

    #[test]
    fn the_tables_are_the_derived_group_and_permutations() {
        for a in 0..10u8 {
            for b in 0..10u8 {
                assert_eq!(D[a as usize][b as usize], d5_mul(a, b), "D[{a}][{b}]");
            }
            assert_eq!(d5_mul(a, INV[a as usize]), 0, "INV[{a}]");
        }
        assert_eq!(P, derived_p());
        // The eighth power is the identity again, which is why the rows repeat every 8.
        let p = derived_p();
        let eighth: [u8; 10] = core::array::from_fn(|x| p[1][p[7][x] as usize]);
        assert_eq!(eighth, p[0]);
    }

    #[test]
    fn verhoeff_known_values() {
        // Published vectors: Wikipedia's 236 -> 3; Rosetta Code's 12345 -> 1 and
        // 123456789012 -> 0.
        assert_eq!(verhoeff_check_digit(b"236"), Some(b'3'));
        assert!(verhoeff_valid(b"2363"));
        assert!(!verhoeff_valid(b"2364"));
        assert_eq!(verhoeff_check_digit(b"12345"), Some(b'1'));
        assert!(verhoeff_valid(b"123451"));
        assert_eq!(verhoeff_check_digit(b"123456789012"), Some(b'0'));
        assert!(verhoeff_valid(b"1234567890120"));
        assert!(!verhoeff_valid(b"1234567890121"));
    }

    /// Random Aadhaar-shaped numbers, valid by the derived rule (a seeded generator, so a
    /// failure repeats).
    fn derived_valid_numbers(count: usize) -> Vec<[u8; 12]> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_aadd);
        (0..count)
            .map(|_| {
                let mut n = [0u8; 12];
                n[0] = rng.random_range(b'2'..=b'9');
                for d in &mut n[1..11] {
                    *d = rng.random_range(b'0'..=b'9');
                }
                n[11] = derived_check_digit(&n[..11]);
                n
            })
            .collect()
    }

    #[test]
    fn every_number_valid_by_the_derived_rule_is_accepted() {
        for n in derived_valid_numbers(5_000) {
            let s = std::str::from_utf8(&n).unwrap();
            assert!(Aadhaar::parse(s).is_ok(), "{s} refused");
        }
    }

    #[test]
    fn every_single_digit_change_is_refused() {
        for good in derived_valid_numbers(1_000) {
            for i in 0..12 {
                for d in b'0'..=b'9' {
                    if d == good[i] {
                        continue;
                    }
                    let mut bad = good;
                    bad[i] = d;
                    assert!(!verhoeff_valid(&bad), "{:?}", std::str::from_utf8(&bad));
                }
            }
        }
    }

    #[test]
    fn every_swap_of_two_different_neighbours_is_refused() {
        for good in derived_valid_numbers(2_000) {
            for i in 0..11 {
                if good[i] == good[i + 1] {
                    continue;
                }
                let mut bad = good;
                bad.swap(i, i + 1);
                assert!(!verhoeff_valid(&bad), "{:?}", std::str::from_utf8(&bad));
            }
        }
    }

    #[test]
    fn a_computed_check_digit_always_validates() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0xc4ec);
        for len in 1..20 {
            for _ in 0..200 {
                let body: Vec<u8> = (0..len).map(|_| rng.random_range(b'0'..=b'9')).collect();
                let check = verhoeff_check_digit(&body).unwrap();
                assert_eq!(check, derived_check_digit(&body));
                let mut whole = body.clone();
                whole.push(check);
                assert!(verhoeff_valid(&whole));
            }
        }
    }

    #[test]
    fn parse_accepts_valid_numbers_with_spaces() {
        let a = Aadhaar::parse("2345 6789 0124").unwrap();
        assert_eq!(a.expose_digits(), "234567890124");
        assert_eq!(Aadhaar::parse(" 234567890124 ").unwrap(), a);
        assert_eq!(Aadhaar::demo().expose_digits(), "999941057058");
    }

    #[test]
    fn parse_refuses_bad_numbers() {
        assert_eq!(Aadhaar::parse(""), Err(AadhaarError::Length(0)));
        assert_eq!(Aadhaar::parse("23456789012"), Err(AadhaarError::Length(11)));
        assert_eq!(
            Aadhaar::parse("2345678901245"),
            Err(AadhaarError::Length(13))
        );
        assert_eq!(
            Aadhaar::parse("2345-6789-0124"),
            Err(AadhaarError::NotDigits)
        );
        assert_eq!(
            Aadhaar::parse("23456789012４"),
            Err(AadhaarError::NotDigits)
        );
        assert_eq!(
            Aadhaar::parse("134567890124"),
            Err(AadhaarError::FirstDigit)
        );
        assert_eq!(
            Aadhaar::parse("034567890124"),
            Err(AadhaarError::FirstDigit)
        );
        // Every single-digit change of a valid number is caught by Verhoeff.
        let good = *b"234567890124";
        for i in 1..12 {
            for d in b'0'..=b'9' {
                if d == good[i] {
                    continue;
                }
                let mut bad = good;
                bad[i] = d;
                let s = std::str::from_utf8(&bad).unwrap();
                assert_eq!(Aadhaar::parse(s), Err(AadhaarError::CheckDigit), "{s}");
            }
        }
        // Adjacent transpositions too.
        assert_eq!(
            Aadhaar::parse("324567890124"),
            Err(AadhaarError::CheckDigit)
        );
    }

    #[test]
    fn debug_display_and_mask_hide_digits() {
        let a = Aadhaar::parse("234567890124").unwrap();
        assert_eq!(a.masked(), "XXXX XXXX 0124");
        assert_eq!(format!("{a}"), "XXXX XXXX 0124");
        assert_eq!(format!("{a:?}"), "Aadhaar(XXXX XXXX 0124)");
        for shown in [format!("{a}"), format!("{a:?}"), format!("{a:#?}")] {
            assert!(!shown.contains("23456789"));
        }
    }

    // Vectors computed once with Python's `cryptography` 48.0.0 (an implementation independent of
    // the `aes`/`cbc` crates): PKCS7(128) padder, Cipher(AES(key), CBC(iv)), then
    // base64.b64encode(iv + ciphertext).
    #[test]
    fn encryption_matches_independent_vectors() {
        let iv: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(
            Aadhaar::demo().encrypt_with_iv(KEY1, &iv).unwrap(),
            "AAECAwQFBgcICQoLDA0ODybR2E34wE9tyJkV+8DqTNE="
        );
        let key2: [u8; 32] = core::array::from_fn(|i| i as u8);
        let a = Aadhaar::parse("234567890124").unwrap();
        assert_eq!(
            a.encrypt_with_iv(&key2, &[0xff; 16]).unwrap(),
            "/////////////////////88Gjt2wXujztChQnF7FWJ0="
        );
        assert_eq!(
            a.encrypt_with_iv(KEY1, &[0; 16]).unwrap(),
            "AAAAAAAAAAAAAAAAAAAAAMbD92e/NL60bM0rnF4OzKE="
        );
    }

    #[test]
    fn encrypt_is_44_chars_random_iv_and_round_trips() {
        let a = Aadhaar::parse("234567890124").unwrap();
        let e1 = a.encrypt(KEY1).unwrap();
        let e2 = a.encrypt(KEY1).unwrap();
        assert_eq!(e1.len(), ENCRYPTED_LEN);
        assert_ne!(e1, e2, "a fresh IV per call");
        assert_eq!(Aadhaar::decrypt(&e1, KEY1).unwrap(), a);
        assert_eq!(Aadhaar::decrypt(&e2, KEY1).unwrap(), a);
        let other_key = [7u8; 32];
        assert_eq!(
            Aadhaar::decrypt(&e1, &other_key),
            Err(AadhaarError::Decrypt)
        );
    }

    #[test]
    fn keys_must_be_32_bytes() {
        let a = Aadhaar::demo();
        assert_eq!(a.encrypt(b"short"), Err(AadhaarError::KeyLength(5)));
        assert_eq!(a.encrypt(&[1u8; 33]), Err(AadhaarError::KeyLength(33)));
        assert_eq!(a.encrypt(&[]), Err(AadhaarError::KeyLength(0)));
        let msg = AadhaarError::KeyLength(5).to_string();
        assert!(msg.contains("32 bytes"));
    }

    #[test]
    fn decrypt_refuses_garbage() {
        for bad in [
            "",
            "not base64 at all but forty-four chars long",
            "AAECAwQFBgcICQoLDA0ODybR2E34wE9tyJkV+8DqTN", // truncated
            "AAECAwQFBgcICQoLDA0ODybR2E34wE9tyJkV+8DqTNE=AAAA", // oversize
        ] {
            assert!(Aadhaar::decrypt(bad, KEY1).is_err(), "{bad}");
        }
    }
}
