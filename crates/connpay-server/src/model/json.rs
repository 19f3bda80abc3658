//! Reading a JSON body: malformed JSON told from a wrong shape, duplicate keys, objects written
//! as arrays and NUL characters refused.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

use crate::error::ReplyError;

/// Parses a JSON body into `T`, telling malformed JSON from a wrong shape.
///
/// The body is read as JSON values first, and refused when it holds what serde's derived
/// structs would accept but the specification does not: one of the specification's objects
/// written as an array of its fields in order, or a NUL character in one of its texts
/// (PostgreSQL cannot store one). Fields the specification does not know are ignored, as serde
/// ignores them.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ReplyError> {
    unique_keys(body)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => ReplyError::MalformedJson,
        Category::Data => ReplyError::WrongShape,
    })?;
    if value.is_array() {
        return Err(ReplyError::WrongShape);
    }
    plain_json(&value)?;
    T::deserialize(&value).map_err(|_| ReplyError::WrongShape)
}

/// Refuses a body in which an object, at any depth, names a key twice: `serde_json::Value`
/// keeps the last one, so `serialNumber` A then B would bind a token to B while a proxy or a
/// log reading the first one sees A. Syntax errors are left to the parse that follows.
fn unique_keys(body: &[u8]) -> Result<(), ReplyError> {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};
    use std::collections::HashSet;

    /// Any JSON value, read only to see its keys.
    struct Unique;
    /// The marker in the error, to tell a duplicate from other errors.
    const DUPLICATE: &str = "duplicate key";

    impl<'de> Deserialize<'de> for Unique {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Unique, D::Error> {
            d.deserialize_any(UniqueVisitor)
        }
    }

    struct UniqueVisitor;

    impl<'de> Visitor<'de> for UniqueVisitor {
        type Value = Unique;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_unit<E>(self) -> Result<Unique, E> {
            Ok(Unique)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
            while seq.next_element::<Unique>()?.is_some() {}
            Ok(Unique)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
            let mut seen = HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key) {
                    return Err(A::Error::custom(DUPLICATE));
                }
                map.next_value::<Unique>()?;
            }
            Ok(Unique)
        }
    }

    match serde_json::from_slice::<Unique>(body) {
        Err(e) if e.is_data() && e.to_string().starts_with(DUPLICATE) => {
            Err(ReplyError::DuplicateKey)
        }
        _ => Ok(()),
    }
}

/// The specification's objects, by field name (the names are unique across the three calls).
const OBJECT_FIELDS: &[&str] = &[
    "consumer",
    "device",
    "location",
    "session",
    "transaction",
    "billing",
    "address",
    "reference",
    "sourceCard",
];

/// The specification's texts that are stored.
const TEXT_FIELDS: &[&str] = &[
    "serialNumber",
    "imei",
    "email",
    "birthDay",
    "ipAddresses",
    "accessToken",
    "nonce",
    "signature",
    "token",
    "currency",
    "phone",
    "city",
    "country",
    "postcodeZip",
    "state",
    "street",
    "street2",
    "serverCardId",
];

/// Walks the specification's fields of an object. serde_json stops nesting at 128 levels, so
/// the recursion is bounded.
fn plain_json(value: &Value) -> Result<(), ReplyError> {
    let Value::Object(fields) = value else {
        return Ok(());
    };
    for (key, v) in fields {
        if OBJECT_FIELDS.contains(&key.as_str()) {
            if v.is_array() {
                return Err(ReplyError::WrongShape);
            }
            plain_json(v)?;
        } else if TEXT_FIELDS.contains(&key.as_str()) {
            let texts: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            if texts
                .iter()
                .any(|t| t.as_str().is_some_and(|t| t.contains('\0')))
            {
                return Err(ReplyError::NulCharacter);
            }
        }
    }
    Ok(())
}
