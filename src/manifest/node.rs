//! A YAML document as a generic tree where every value and key keeps its line and column,
//! so the CRD decoder can report unknown fields and wrong types precisely.
//!
//! Depends on `serde-saphyr` only.

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A 1-based position in the source text (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// One YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// The YAML data model after anchors, aliases and merge keys are applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order, each with its own position.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub pos: Pos,
    pub name: String,
}

impl Value {
    /// The YAML/JSON type name used in "wrong type" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

fn pos_of(loc: &serde_saphyr::Location) -> Pos {
    Pos {
        line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
        column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            pos: pos_of(&s.referenced),
            value: s.value,
        })
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Keys are read as strings so that `y:` or `on:` stay names, not YAML 1.1 booleans.
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Key {
            pos: pos_of(&s.referenced),
            name: s.value,
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(n) = seq.next_element::<Node>()? {
            items.push(n);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        while let Some(k) = map.next_key::<Key>()? {
            let v = map.next_value::<Node>()?;
            // serde-saphyr yields explicit keys before merged (`<<`) ones; explicit keys win.
            if !entries.iter().any(|(ek, _)| ek.name == k.name) {
                entries.push((k, v));
            }
        }
        Ok(Value::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Node> {
        serde_saphyr::from_str_multiple::<Node, Vec<Node>>(text).expect("valid yaml")
    }

    #[test]
    fn scalars_keep_their_yaml_type_and_position() {
        let docs = parse("a: 1\nb: \"1\"\nc:\n  - x\n  - {d: true}\n");
        assert_eq!(docs.len(), 1);
        let Value::Map(m) = &docs[0].value else {
            panic!("map")
        };
        assert_eq!(m[0].1.value, Value::Int(1));
        assert_eq!(m[1].1.value, Value::Str("1".into()));
        assert_eq!(m[1].0.pos, Pos { line: 2, column: 1 });
        let Value::Seq(s) = &m[2].1.value else {
            panic!("seq")
        };
        assert_eq!(s[1].pos.line, 5);
    }

    #[test]
    fn merge_keys_and_multiple_documents() {
        let docs = parse(
            "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n---\n# only a comment\n---\nz: 1\n",
        );
        let Value::Map(m) = &docs[0].value else {
            panic!("map")
        };
        let Value::Map(d) = &m[1].1.value else {
            panic!("map")
        };
        let names: Vec<_> = d
            .iter()
            .map(|(k, v)| (k.name.as_str(), v.value.clone()))
            .collect();
        assert!(names.contains(&("x", Value::Int(1))));
        assert!(names.contains(&("y", Value::Int(3))), "{names:?}");
        assert!(docs.len() >= 2);
    }
}
