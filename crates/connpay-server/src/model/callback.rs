//! The merchant callback's query (`GET /verification/callback?status=…&orderid=…`): the
//! gateway's final word on a verification (vendor page merchant_callback_parameters,
//! docs/connpay.md). Only the fields this server acts on are kept; the others are accepted as
//! they come and not stored (some of them describe the card).

use crate::error::ReplyError;

/// The fields of a callback this server reads, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackQuery {
    pub status: String,
    pub orderid: String,
    pub client_orderid: String,
    /// The transaction type (`type`); empty when the gateway sends none.
    pub kind: String,
    pub control: String,
}

/// The longest query read; the gateway's callbacks are a few hundred bytes.
const MAX_QUERY: usize = 8 * 1024;

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a byte.
/// `None` for a broken escape or bytes that are not UTF-8.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn field(value: Option<String>, name: &'static str, max: usize) -> Result<String, ReplyError> {
    let v = value.ok_or(ReplyError::MissingField(name))?;
    let n = v.chars().count();
    if n == 0 || n > max || v.chars().any(char::is_control) {
        return Err(ReplyError::InvalidField(
            name,
            "1 to the field's limit of printable characters",
        ));
    }
    Ok(v)
}

/// Parses the raw query (without the `?`). A field this server reads named twice is refused,
/// as a JSON body naming a key twice is.
pub fn parse_callback_query(query: &str) -> Result<CallbackQuery, ReplyError> {
    if query.len() > MAX_QUERY {
        return Err(ReplyError::InvalidField("query", "at most 8 KiB"));
    }
    let (mut status, mut orderid, mut client_orderid, mut kind, mut control) =
        (None, None, None, None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match decode(k).as_deref() {
            Some("status") => &mut status,
            Some("orderid") => &mut orderid,
            Some("client_orderid") => &mut client_orderid,
            Some("type") => &mut kind,
            Some("control") => &mut control,
            Some(_) => continue,
            None => return Err(ReplyError::MalformedQuery),
        };
        let v = decode(v).ok_or(ReplyError::MalformedQuery)?;
        if slot.replace(v).is_some() {
            return Err(ReplyError::DuplicateKey);
        }
    }
    let status = field(status, "status", 32)?;
    let orderid = field(orderid, "orderid", 64)?;
    let client_orderid = field(client_orderid, "client_orderid", 128)?;
    let kind = match kind {
        Some(k) if !k.is_empty() => field(Some(k), "type", 32)?,
        _ => String::new(),
    };
    let control = field(control, "control", 128)?;
    Ok(CallbackQuery {
        status,
        orderid,
        client_orderid,
        kind,
        control,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "type=sale&status=approved&amount=0.00&orderid=1234567\
                        &client_orderid=INV1&merchant_order=INV1&name=T+Holder\
                        &control=7179d788b691a96436626db74c1b0e363bcc7232";

    #[test]
    fn a_gateway_callback() {
        let c = parse_callback_query(GOOD).unwrap();
        assert_eq!(c.status, "approved");
        assert_eq!(c.orderid, "1234567");
        assert_eq!(c.client_orderid, "INV1");
        assert_eq!(c.kind, "sale");
        assert_eq!(c.control.len(), 40);
        let c = parse_callback_query("status=declined&orderid=1&client_orderid=a%2Fb+c&control=x")
            .unwrap();
        assert_eq!(c.client_orderid, "a/b c");
        assert_eq!(c.kind, "");
    }

    #[test]
    fn garbage_truncation_oversize_and_duplicates() {
        assert_eq!(
            parse_callback_query("").unwrap_err(),
            ReplyError::MissingField("status")
        );
        assert_eq!(
            parse_callback_query("status=%zz&orderid=1").unwrap_err(),
            ReplyError::MalformedQuery
        );
        assert_eq!(
            parse_callback_query("status=%E2%82&orderid=1").unwrap_err(),
            ReplyError::MalformedQuery
        );
        assert_eq!(
            parse_callback_query("status=%4").unwrap_err(),
            ReplyError::MalformedQuery
        );
        for cut in [3, GOOD.len() / 2, GOOD.find("&control").unwrap()] {
            assert!(parse_callback_query(&GOOD[..cut]).is_err(), "{cut}");
        }
        let long = format!("{GOOD}&pad={}", "x".repeat(MAX_QUERY));
        assert!(matches!(
            parse_callback_query(&long),
            Err(ReplyError::InvalidField("query", _))
        ));
        let twice = format!("{GOOD}&status=declined");
        assert_eq!(
            parse_callback_query(&twice).unwrap_err(),
            ReplyError::DuplicateKey
        );
        // Fields it does not read may repeat.
        assert!(parse_callback_query(&format!("{GOOD}&name=a&name=b")).is_ok());
        let bad_orderid = GOOD.replace("orderid=1234567", &format!("orderid={}", "9".repeat(65)));
        assert!(matches!(
            parse_callback_query(&bad_orderid),
            Err(ReplyError::InvalidField("orderid", _))
        ));
        let nul = GOOD.replace("status=approved", "status=appr%00oved");
        assert!(matches!(
            parse_callback_query(&nul),
            Err(ReplyError::InvalidField("status", _))
        ));
    }
}
