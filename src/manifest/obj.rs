//! Strict field access over a `Node` mapping: unknown fields and wrong types become
//! `ManifestError`s naming the field path and line, as the API server's strict decoding would.
//!
//! Depends on `manifest::node` and `manifest::error`.

use super::error::ManifestError;
use super::node::{Node, Pos, Value};
use super::types::IntOrString;

pub type Result<T> = std::result::Result<T, ManifestError>;

/// What to do with a field the CRD schema does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownFields {
    /// Reject, as the API server does with strict field validation (`kubectl apply` default).
    #[default]
    Error,
    /// Keep loading and record a warning, as the API server does when it prunes the field.
    Warn,
}

/// Decoding context: the file name, the unknown-field policy and collected warnings.
pub struct Ctx {
    pub file: String,
    pub unknown_fields: UnknownFields,
    pub warnings: std::cell::RefCell<Vec<ManifestError>>,
}

impl Ctx {
    pub fn new(file: &str, unknown_fields: UnknownFields) -> Self {
        Ctx {
            file: file.to_string(),
            unknown_fields,
            warnings: Default::default(),
        }
    }

    pub fn error(&self, pos: Pos, message: impl Into<String>) -> ManifestError {
        ManifestError::new(&self.file, pos, message)
    }
}

/// A mapping being decoded, with the allowed field names and its path for messages.
pub struct Obj<'a> {
    pub cx: &'a Ctx,
    pub path: String,
    pub pos: Pos,
    entries: &'a [(super::node::Key, Node)],
}

impl<'a> Obj<'a> {
    /// Checks that `node` is a mapping whose keys are all in `allowed`.
    pub fn new(cx: &'a Ctx, path: &str, node: &'a Node, allowed: &[&str]) -> Result<Self> {
        let Value::Map(entries) = &node.value else {
            return Err(type_error(cx, path, node, "object"));
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let e = cx.error(
                    k.pos,
                    format!("{}: unknown field \"{}\"", display_path(path), k.name),
                );
                match cx.unknown_fields {
                    UnknownFields::Error => return Err(e),
                    UnknownFields::Warn => cx.warnings.borrow_mut().push(e),
                }
            }
        }
        Ok(Obj {
            cx,
            path: path.to_string(),
            pos: node.pos,
            entries,
        })
    }

    /// A mapping with any keys (for opaque parts such as `metadata`).
    pub fn lenient(cx: &'a Ctx, path: &str, node: &'a Node) -> Result<Self> {
        let Value::Map(entries) = &node.value else {
            return Err(type_error(cx, path, node, "object"));
        };
        Ok(Obj {
            cx,
            path: path.to_string(),
            pos: node.pos,
            entries,
        })
    }

    /// The field's node, treating an explicit `null` as absent (as Go's JSON decoder does).
    pub fn get(&self, name: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
            .filter(|v| v.value != Value::Null)
    }

    pub fn keys(&self) -> impl Iterator<Item = (&'a str, &'a Node)> {
        self.entries.iter().map(|(k, v)| (k.name.as_str(), v))
    }

    pub fn child(&self, name: &str) -> String {
        join(&self.path, name)
    }

    pub fn str(&self, name: &str) -> Result<Option<String>> {
        self.get(name)
            .map(|n| as_str(self.cx, &self.child(name), n))
            .transpose()
    }

    pub fn req_str(&self, name: &str) -> Result<String> {
        self.str(name)?.ok_or_else(|| {
            self.cx.error(
                self.pos,
                format!(
                    "{}: missing required field \"{name}\"",
                    display_path(&self.path)
                ),
            )
        })
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>> {
        self.get(name)
            .map(|n| as_int(self.cx, &self.child(name), n))
            .transpose()
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => Ok(Some(*b)),
            Some(n) => Err(type_error(self.cx, &self.child(name), n, "boolean")),
        }
    }

    pub fn int_or_string(&self, name: &str) -> Result<Option<IntOrString>> {
        match self.get(name) {
            None => Ok(None),
            Some(Node {
                value: Value::Int(i),
                ..
            }) => Ok(Some(IntOrString::Int(*i))),
            Some(Node {
                value: Value::Str(s),
                ..
            }) => Ok(Some(IntOrString::Str(s.clone()))),
            Some(n) => Err(type_error(
                self.cx,
                &self.child(name),
                n,
                "integer or string",
            )),
        }
    }

    /// A list field decoded item by item; absent means empty.
    pub fn list<T>(
        &self,
        name: &str,
        mut item: impl FnMut(&str, &'a Node) -> Result<T>,
    ) -> Result<Vec<T>> {
        let Some(node) = self.get(name) else {
            return Ok(Vec::new());
        };
        let path = self.child(name);
        let Value::Seq(items) = &node.value else {
            return Err(type_error(self.cx, &path, node, "array"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, n)| item(&format!("{path}[{i}]"), n))
            .collect()
    }

    pub fn pos_of(&self, name: &str) -> Option<Pos> {
        self.get(name).map(|n| n.pos)
    }
}

pub fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "document" } else { path }
}

pub fn type_error(cx: &Ctx, path: &str, node: &Node, want: &str) -> ManifestError {
    cx.error(
        node.pos,
        format!(
            "{}: wrong type: expected {want}, found {}",
            display_path(path),
            node.value.type_name()
        ),
    )
}

pub fn as_str(cx: &Ctx, path: &str, node: &Node) -> Result<String> {
    match &node.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Bool(_) => {
            let mut e = type_error(cx, path, node, "string");
            e.message.push_str(
                " (YAML reads unquoted y/n/yes/no/on/off/true/false as booleans: quote the value)",
            );
            Err(e)
        }
        _ => Err(type_error(cx, path, node, "string")),
    }
}

pub fn as_int(cx: &Ctx, path: &str, node: &Node) -> Result<i64> {
    match &node.value {
        Value::Int(i) => Ok(*i),
        // Kubernetes accepts a float with no fractional part for an integer field.
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
        _ => Err(type_error(cx, path, node, "integer")),
    }
}
