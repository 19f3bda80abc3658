//! The Aadhaar check against numbers judged by another implementation: python-stdnum's
//! `stdnum.verhoeff` (the file's header says how the list was made). A check that agrees with
//! its own table can still be wrong; this one must agree with somebody else's.

use instantpay::{Aadhaar, AadhaarError, verhoeff_check_digit, verhoeff_valid};

const NUMBERS: &str = include_str!("aadhaar-stdnum.txt");

fn numbers(verdict: &str) -> Vec<&'static str> {
    let list: Vec<&str> = NUMBERS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .filter(|(v, _)| *v == verdict)
        .map(|(_, n)| n)
        .collect();
    assert!(!list.is_empty(), "no {verdict} numbers in the list");
    list
}

#[test]
fn every_number_stdnum_finds_valid_is_accepted() {
    let valid = numbers("valid");
    assert!(valid.len() >= 300);
    for n in valid {
        assert!(
            Aadhaar::parse(n).is_ok(),
            "{n} is valid by stdnum and was refused"
        );
        assert_eq!(
            verhoeff_check_digit(&n.as_bytes()[..11]),
            Some(n.as_bytes()[11]),
            "{n}"
        );
    }
}

#[test]
fn every_mistyped_number_is_refused() {
    for verdict in ["typo", "swap", "old-table-only"] {
        for n in numbers(verdict) {
            assert_eq!(
                Aadhaar::parse(n),
                Err(AadhaarError::CheckDigit),
                "{verdict} {n} was accepted"
            );
        }
    }
}

#[test]
fn published_vectors_validate() {
    for n in numbers("vector") {
        assert!(verhoeff_valid(n.as_bytes()), "{n}");
    }
}

#[test]
fn the_demo_number_is_valid() {
    let demo = instantpay::DEMO_AADHAAR.replace(' ', "");
    assert!(numbers("valid").contains(&demo.as_str()));
}
