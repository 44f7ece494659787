//! `--format sarif`: SARIF 2.1.0 for code-scanning uploads, as hand-written serde structs
//! (see CRATES.md: `serde-sarif` does not build on its own). One run; the driver lists the
//! rules that ran, and each result's `ruleIndex` points into that list.

use std::io::{self, Write};

use serde::Serialize;

use super::Emitter;
use crate::lint::{Finding, LintReport, Rule, Severity};

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/rollsim/rollsim";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The first paragraph after `## What it does`, for `shortDescription`.
fn summary(docs: &str) -> String {
    let body = docs
        .split_once("## What it does")
        .map_or(docs, |(_, rest)| rest);
    let para = body.trim_start().split("\n\n").next().unwrap_or("");
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn descriptor(r: &dyn Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: r.code(),
        name: r.name(),
        short_description: Message {
            text: summary(r.docs()),
        },
        full_description: Message {
            text: r.docs().to_string(),
        },
        help: Message {
            text: format!("rollsim rule {}", r.code()),
        },
        default_configuration: Configuration {
            level: level(r.default_severity()),
        },
    }
}

fn result<'a>(f: &'a Finding, rules: &[&'static dyn Rule]) -> SarifResult<'a> {
    SarifResult {
        rule_id: f.code,
        rule_index: rules.iter().position(|r| r.code() == f.code).unwrap_or(0),
        level: level(f.severity),
        message: Message {
            text: f.message.clone(),
        },
        locations: vec![Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: &f.file },
                region: Region {
                    // SARIF regions are 1-based; a file-level finding points at line 1.
                    start_line: f.line.max(1),
                    start_column: f.column.max(1),
                    end_line: f.end_line,
                    end_column: f.end_column,
                },
            },
        }],
    }
}

impl Emitter for Sarif {
    fn emit(&self, out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "rollsim",
                        version: env!("CARGO_PKG_VERSION"),
                        information_uri: INFORMATION_URI,
                        rules: report.rules.iter().map(|r| descriptor(*r)).collect(),
                    },
                },
                results: report
                    .findings
                    .iter()
                    .map(|f| result(f, &report.rules))
                    .collect(),
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}
