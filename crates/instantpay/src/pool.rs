//! What a charged call cost: InstantPay's `data.pool` on a chargeable reply
//! (`openingBalance`, `transactionValue`, `payableValue`, `closingBalance`: the platform
//! wallet before, the call's price, what was taken with taxes, the wallet after).
//!
//! Amounts are kept as decimal text with two decimals and added up in paise, never as floats.
//! A value that cannot be read exactly (a wrong type, more than two decimals that are not zero,
//! an exponent, more than 12 digits of rupees) is left out: "amount not reported" is honest,
//! a rounded one is not.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Rupees, as text with exactly two decimals (`"1.18"`, `"-0.50"`); zero by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Amount {
    paise: i64,
}

/// Most digits of rupees read (₹ 999,999,999,999.99): far above any wallet.
const MAX_RUPEE_DIGITS: usize = 12;

impl Amount {
    pub fn from_paise(paise: i64) -> Amount {
        Amount { paise }
    }

    pub fn paise(&self) -> i64 {
        self.paise
    }

    /// Reads `12`, `12.5`, `12.50`, `12.5000`, `-3.10`, from text or a JSON number.
    pub fn parse(text: &str) -> Option<Amount> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || whole.len() > MAX_RUPEE_DIGITS
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && fraction.is_empty())
            || fraction.len() > 6
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // Past the paise, only zeros: nothing is rounded away.
        if fraction.len() > 2 && fraction[2..].bytes().any(|b| b != b'0') {
            return None;
        }
        let mut paise_text = fraction.chars().take(2).collect::<String>();
        while paise_text.len() < 2 {
            paise_text.push('0');
        }
        let rupees: i64 = whole.parse().ok()?;
        let paise: i64 = paise_text.parse().ok()?;
        let total = rupees.checked_mul(100)?.checked_add(paise)?;
        Some(Amount {
            paise: if negative { -total } else { total },
        })
    }

    fn from_json(v: &Value) -> Option<Amount> {
        match v {
            Value::String(s) => Amount::parse(s.trim()),
            // The number's own text (serde_json prints integers exactly, and decimals in their
            // shortest form), read with the same rules.
            Value::Number(n) => Amount::parse(&n.to_string()),
            _ => None,
        }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.paise < 0 { "-" } else { "" };
        let abs = self.paise.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl TryFrom<String> for Amount {
    type Error = String;
    fn try_from(s: String) -> Result<Amount, String> {
        Amount::parse(&s).ok_or_else(|| "an amount such as 1.18".to_string())
    }
}

impl From<Amount> for String {
    fn from(a: Amount) -> String {
        a.to_string()
    }
}

/// The amounts of one charged call; each is `None` when the reply did not give it readably.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub opening_balance: Option<Amount>,
    pub transaction_value: Option<Amount>,
    pub payable_value: Option<Amount>,
    pub closing_balance: Option<Amount>,
}

impl Pool {
    /// What one call cost, without the platform wallet's balances: for a party that may
    /// know its own charge but not the platform's money (a relay's PC, docs/relay.md).
    pub fn charge_only(&self) -> Pool {
        Pool {
            opening_balance: None,
            closing_balance: None,
            ..self.clone()
        }
    }

    /// `data.pool` of a reply; `None` when there is none or nothing in it can be read.
    pub fn of(data: Option<&Value>) -> Option<Pool> {
        let pool = data?.get("pool")?.as_object()?;
        let amount = |k: &str| pool.get(k).and_then(Amount::from_json);
        let p = Pool {
            opening_balance: amount("openingBalance"),
            transaction_value: amount("transactionValue"),
            payable_value: amount("payableValue"),
            closing_balance: amount("closingBalance"),
        };
        (p != Pool::default()).then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn a(s: &str) -> Option<i64> {
        Amount::parse(s).map(|a| a.paise())
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(a("1.18"), Some(118));
        assert_eq!(a("12"), Some(1200));
        assert_eq!(a("12.5"), Some(1250));
        assert_eq!(a("12.5000"), Some(1250));
        assert_eq!(a("-3.10"), Some(-310));
        assert_eq!(a("0.07"), Some(7));
        assert_eq!(Amount::from_paise(12_345_678).to_string(), "123456.78");
        assert_eq!(Amount::from_paise(-5).to_string(), "-0.05");
    }

    #[test]
    fn garbage_truncation_oversize_and_rounding_are_refused() {
        for bad in [
            "",
            "-",
            ".",
            "1.",
            ".5",
            "1.234",
            "1.2.3",
            "1e3",
            "1,000.00",
            "₹5",
            " 5",
            "abc",
            "9999999999999",
            "--1",
            "1.0000001",
        ] {
            assert_eq!(a(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pool_from_a_reply() {
        let data = json!({"pool": {"openingBalance": "5000.00", "transactionValue": 1,
                                   "payableValue": 1.18, "closingBalance": "4998.82"}});
        let p = Pool::of(Some(&data)).unwrap();
        assert_eq!(p.opening_balance.unwrap().paise(), 500_000);
        assert_eq!(p.transaction_value.unwrap().paise(), 100);
        assert_eq!(p.payable_value.unwrap().paise(), 118);
        assert_eq!(p.closing_balance.unwrap().paise(), 499_882);
    }

    #[test]
    fn pools_of_the_wrong_shape_say_nothing() {
        for data in [
            json!(null),
            json!({}),
            json!({"pool": null}),
            json!({"pool": [1, 2]}),
            json!({"pool": "1.18"}),
            json!({"pool": {"payableValue": true, "closingBalance": {"x": 1}}}),
            json!({"pool": {"payableValue": 1e300}}),
        ] {
            assert_eq!(Pool::of(Some(&data)), None, "{data}");
        }
        assert_eq!(Pool::of(None), None);
        // One readable field is kept; the unreadable ones stay unknown.
        let p = Pool::of(Some(
            &json!({"pool": {"payableValue": "1.18", "closingBalance": "x"}}),
        ))
        .unwrap();
        assert_eq!(p.payable_value.unwrap().paise(), 118);
        assert_eq!(p.closing_balance, None);
    }

    #[test]
    fn amounts_serialize_as_text() {
        let p = Pool {
            payable_value: Some(Amount::from_paise(118)),
            ..Pool::default()
        };
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.contains("\"payable_value\":\"1.18\""), "{text}");
        let back: Pool = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<Amount>("\"1.234\"").is_err());
    }
}
