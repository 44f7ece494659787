//! Loading files: multi-document YAML, `List` expansion, Helm-template detection, and decoding
//! of the Argo kinds (other kinds are skipped).
//!
//! Depends on `manifest::node`, `manifest::decode_*`, `manifest::types`.

use std::path::Path;

use super::decode_rollout::rollout_spec;
use super::decode_template::template_spec;
use super::error::ManifestError;
use super::node::{Node, Pos, Value};
use super::obj::{Ctx, Obj, Result, UnknownFields};
use super::types::{AnalysisTemplate, Manifests, Rollout, Source, TemplateKind};

/// How strictly to load.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub unknown_fields: UnknownFields,
}

/// Reads and decodes one file, rejecting unknown fields.
pub fn load_file(path: &Path) -> Result<Manifests> {
    load_file_with(path, LoadOptions::default())
}

pub fn load_file_with(path: &Path, options: LoadOptions) -> Result<Manifests> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ManifestError::new(&name, Pos::default(), format!("cannot read file: {e}")))?;
    load_str_with(&text, &name, options)
}

/// Decodes YAML text, rejecting unknown fields; `name` is the file name used in errors and
/// `Source`s.
pub fn load_str(text: &str, name: &str) -> Result<Manifests> {
    load_str_with(text, name, LoadOptions::default())
}

pub fn load_str_with(text: &str, name: &str, options: LoadOptions) -> Result<Manifests> {
    if let Some(pos) = helm_directive_line(text) {
        return Err(helm_error(name, text, pos));
    }
    let cx = Ctx::new(name, options.unknown_fields);
    let decoded = parse_documents(text, name).and_then(|docs| {
        let mut out = Manifests::default();
        for doc in &docs {
            document(&cx, doc, &mut out)?;
        }
        out.warnings = cx.warnings.take();
        Ok(out)
    });
    // A Helm template can still be valid YAML in places; once anything fails, a Helm
    // expression in the text is the likely cause and the useful message.
    decoded.map_err(|e| helm_expression(text).map_or(e, |pos| helm_error(name, text, pos)))
}

/// Adds several files' objects together.
impl Manifests {
    pub fn extend(&mut self, other: Manifests) {
        self.rollouts.extend(other.rollouts);
        self.analysis_templates.extend(other.analysis_templates);
        self.cluster_analysis_templates
            .extend(other.cluster_analysis_templates);
        self.warnings.extend(other.warnings);
    }
}

fn parse_documents(text: &str, name: &str) -> Result<Vec<Node>> {
    serde_saphyr::from_str_multiple::<Node, Vec<Node>>(text).map_err(|e| {
        let pos = e.location().map_or(Pos::default(), |l| Pos {
            line: u32::try_from(l.line()).unwrap_or(0),
            column: u32::try_from(l.column()).unwrap_or(0),
        });
        let full = e.to_string();
        let first = full.lines().next().unwrap_or("").trim();
        let first = first.strip_prefix("error: ").unwrap_or(first);
        // "line 1 column 4: unclosed bracket" -> "unclosed bracket"
        let message = match first.split_once(": ") {
            Some((head, rest)) if head.starts_with("line ") => rest,
            _ => first,
        };
        ManifestError::new(name, pos, format!("YAML syntax error: {message}"))
    })
}

fn document(cx: &Ctx, doc: &Node, out: &mut Manifests) -> Result<()> {
    let Value::Map(_) = &doc.value else {
        return Err(super::obj::type_error(cx, "", doc, "object"));
    };
    let top = Obj::lenient(cx, "", doc)?;
    let kind = top.str("kind")?.unwrap_or_default();
    let api_version = top.str("apiVersion")?.unwrap_or_default();
    if kind == "List" {
        return top
            .list("items", |_, item| document(cx, item, out))
            .map(|_| ());
    }
    if !api_version.starts_with("argoproj.io/") {
        return Ok(());
    }
    let template_kind = match kind.as_str() {
        "Rollout" => {
            out.rollouts.push(rollout(cx, doc)?);
            return Ok(());
        }
        "AnalysisTemplate" => TemplateKind::AnalysisTemplate,
        "ClusterAnalysisTemplate" => TemplateKind::ClusterAnalysisTemplate,
        _ => return Ok(()),
    };
    let (name, namespace, spec_node) = object_header(cx, doc)?;
    let spec = match spec_node {
        Some(n) => template_spec(cx, "spec", n)?,
        None => Default::default(),
    };
    let template = AnalysisTemplate {
        kind: template_kind,
        name,
        namespace,
        spec,
        source: Source {
            file: cx.file.clone(),
            pos: doc.pos,
        },
    };
    match template_kind {
        TemplateKind::AnalysisTemplate => out.analysis_templates.push(template),
        TemplateKind::ClusterAnalysisTemplate => out.cluster_analysis_templates.push(template),
    }
    Ok(())
}

/// Strict top level; `metadata` is read leniently (labels, annotations, ... are free-form).
fn object_header<'a>(
    cx: &'a Ctx,
    doc: &'a Node,
) -> Result<(String, Option<String>, Option<&'a Node>)> {
    let top = Obj::new(
        cx,
        "",
        doc,
        &["apiVersion", "kind", "metadata", "spec", "status"],
    )?;
    let (name, namespace) = match top.get("metadata") {
        None => (String::new(), None),
        Some(m) => {
            let meta = Obj::lenient(cx, "metadata", m)?;
            (
                meta.str("name")?.unwrap_or_default(),
                meta.str("namespace")?,
            )
        }
    };
    Ok((name, namespace, top.get("spec")))
}

fn rollout(cx: &Ctx, doc: &Node) -> Result<Rollout> {
    let (name, namespace, spec) = object_header(cx, doc)?;
    let (replicas, paused, progress_deadline_seconds, strategy) = match spec {
        Some(n) => rollout_spec(cx, n)?,
        None => (1, false, None, Default::default()),
    };
    Ok(Rollout {
        name,
        namespace,
        replicas,
        paused,
        progress_deadline_seconds,
        strategy,
        source: Source {
            file: cx.file.clone(),
            pos: doc.pos,
        },
    })
}

fn helm_error(file: &str, text: &str, pos: Pos) -> ManifestError {
    let line = text
        .lines()
        .nth(pos.line.saturating_sub(1) as usize)
        .unwrap_or("");
    let from = line
        .get(pos.column.saturating_sub(1) as usize..)
        .unwrap_or("");
    let expr = from.find("}}").map_or(from, |end| &from[..end + 2]);
    ManifestError::new(
        file,
        pos,
        format!(
            "this is a Helm template (`{}`), not a plain manifest: render it first \
             (`helm template <release> <chart>`) and load the output",
            expr.chars().take(60).collect::<String>()
        ),
    )
}

/// A line that starts with `{{` is a Helm control line (`{{- if ...}}`, `{{ include ... }}`);
/// it can never be part of a plain manifest.
fn helm_directive_line(text: &str) -> Option<Pos> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        trimmed.starts_with("{{").then(|| Pos {
            line: u32::try_from(i + 1).unwrap_or(0),
            column: u32::try_from(line.len() - trimmed.len() + 1).unwrap_or(0),
        })
    })
}

/// The first unquoted Helm expression (`{{ .Values.x }}`, `{{ $.Release.Name }}`,
/// `{{ include ...}}`). `{{args.x}}` is Argo templating, not Helm.
fn helm_expression(text: &str) -> Option<Pos> {
    const HELM: &[&str] = &[
        ".",
        "$",
        "include ",
        "template ",
        "if ",
        "range ",
        "with ",
        "end",
        "toYaml",
        "tpl ",
        "printf ",
        "default ",
        "quote ",
        "\"{{\"",
        "`",
    ];
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("{{") {
            let inner = rest[at + 2..].trim_start_matches('-').trim_start();
            // Inside a quoted scalar it is plain text that a stray copy left behind.
            let quoted = line[..line.len() - rest.len() + at].contains(['"', '\'']);
            if !quoted && HELM.iter().any(|h| inner.starts_with(h)) {
                let column = line.len() - rest.len() + at + 1;
                return Some(Pos {
                    line: u32::try_from(i + 1).unwrap_or(0),
                    column: u32::try_from(column).unwrap_or(0),
                });
            }
            rest = &rest[at + 2..];
        }
    }
    None
}

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
