//! Reading a JSON body: malformed JSON told from a wrong shape, duplicate keys, objects written
//! as arrays and NUL characters refused.

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;

use crate::error::ReplyError;

/// Parses a JSON body into `T`, telling malformed JSON from a wrong shape.
///
/// The body is read once into JSON values, refusing an object that names a key twice, and then
/// refused when it holds what serde's derived structs would accept but the specification does
/// not: one of the specification's objects written as an array of its fields in order, or a
/// NUL character in one of its texts (PostgreSQL cannot store one). Fields the specification
/// does not know are ignored, as serde ignores them.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ReplyError> {
    let value = unique_value(body)?;
    if value.is_array() {
        return Err(ReplyError::WrongShape);
    }
    plain_json(&value)?;
    // By value: the texts move into `T` instead of being copied from the tree.
    serde_json::from_value(value).map_err(|_| ReplyError::WrongShape)
}

/// The marker in the error, to tell a duplicate from other errors.
const DUPLICATE: &str = "duplicate key";

/// The body as JSON values, refused when an object, at any depth, names a key twice:
/// `serde_json::Value` would keep the last one, so `serialNumber` A then B would bind a token
/// to B while a proxy or a log reading the first one sees A. One pass: the duplicate check is
/// made while the values are built.
fn unique_value(body: &[u8]) -> Result<Value, ReplyError> {
    match serde_json::from_slice::<UniqueValue>(body) {
        Ok(UniqueValue(v)) => Ok(v),
        Err(e) if e.is_data() && e.to_string().starts_with(DUPLICATE) => {
            Err(ReplyError::DuplicateKey)
        }
        Err(e) => Err(match e.classify() {
            Category::Syntax | Category::Eof | Category::Io => ReplyError::MalformedJson,
            Category::Data => ReplyError::WrongShape,
        }),
    }
}

/// A JSON value whose objects name each key once.
struct UniqueValue(Value);

impl<'de> serde::Deserialize<'de> for UniqueValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<UniqueValue, D::Error> {
        d.deserialize_any(UniqueVisitor).map(UniqueValue)
    }
}

struct UniqueVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so the number always exists.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error;
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(A::Error::custom(DUPLICATE));
            }
            let UniqueValue(v) = map.next_value()?;
            object.insert(key, v);
        }
        Ok(Value::Object(object))
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
