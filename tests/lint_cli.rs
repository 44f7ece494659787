//! End-to-end tests of `rollsim lint` and `rollsim rule`: exit codes, one test per output
//! format, selection, suppression comments and `rollsim.toml`. Inputs are the rule fixtures
//! in `fixtures/lint/` and small files written to temporary folders.

use std::path::Path;
use std::process::{Command, Output};

const INTERVAL: &str = "fixtures/lint/interval-without-unit/flagged.yaml";
const CLEAN: &str = "fixtures/lint/interval-without-unit/clean.yaml";
const WARNING_ONLY: &str = "fixtures/lint/empty-arg-value/flagged.yaml";
const HELM: &str = "fixtures/lint/invalid-manifest/flagged.yaml";

fn rollsim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the rollsim binary runs")
}

fn rollsim(args: &[&str]) -> Output {
    rollsim_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

/// Absolute path of a fixture, for runs in a temporary directory.
fn abs(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .display()
        .to_string()
}

const TEMPLATE_WITH_BAD_INTERVAL: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: error-rate
spec:
  metrics:
  - name: error-rate
    interval: \"60\"
    count: 5
    successCondition: result[0] < 0.01
    provider:
      prometheus:
        query: up
";

#[test]
fn exit_codes() {
    assert_eq!(code(&rollsim(&["lint", CLEAN])), Some(0));
    assert_eq!(code(&rollsim(&["lint", INTERVAL])), Some(1));
    assert_eq!(code(&rollsim(&["lint", WARNING_ONLY])), Some(0));
    assert_eq!(
        code(&rollsim(&["lint", WARNING_ONLY, "--deny-warnings"])),
        Some(1)
    );
    let helm = rollsim(&["lint", HELM, "--format", "concise"]);
    assert_eq!(code(&helm), Some(2));
    assert!(
        stdout(&helm).contains("flagged.yaml:5:9: RS000 this is a Helm template"),
        "{}",
        stdout(&helm)
    );
    let selected_away = rollsim(&["lint", HELM, "--select", "RS1"]);
    assert_eq!(
        code(&selected_away),
        Some(2),
        "--select does not hide bad input"
    );
    assert_eq!(
        code(&rollsim(&["lint", HELM, "--ignore", "RS000"])),
        Some(0)
    );
    let missing = rollsim(&["lint", "fixtures/lint/no-such-file.yaml"]);
    assert_eq!(code(&missing), Some(2));
    assert!(stderr(&missing).contains("no-such-file.yaml"));
    let bad_selector = rollsim(&["lint", CLEAN, "--select", "XYZ"]);
    assert_eq!(code(&bad_selector), Some(2));
    assert!(stderr(&bad_selector).contains("unknown rule selector `XYZ`"));
}

#[test]
fn a_folder_with_a_helm_template_still_lints_the_other_files() {
    let o = rollsim(&["lint", "fixtures/lint", "--format", "concise"]);
    assert_eq!(code(&o), Some(2), "RS000 remains: bad input");
    let out = stdout(&o);
    assert!(out.contains("RS000"), "{out}");
    assert!(
        out.contains("interval-without-unit/flagged.yaml:8:15: RS006"),
        "{out}"
    );
    let ignored = rollsim(&["lint", "fixtures/lint", "--ignore", "RS000"]);
    assert_eq!(code(&ignored), Some(1), "only rule findings left");
}

#[test]
fn select_and_ignore_take_codes_names_and_prefixes() {
    let o = rollsim(&["lint", INTERVAL, "--ignore", "RS006"]);
    assert_eq!(code(&o), Some(0));
    let o = rollsim(&["lint", INTERVAL, "--ignore", "interval-without-unit"]);
    assert_eq!(code(&o), Some(0));
    let o = rollsim(&["lint", INTERVAL, "--select", "RS02,RS1"]);
    assert_eq!(code(&o), Some(0), "{}", stdout(&o));
    let o = rollsim(&["lint", INTERVAL, "--select", "RS0", "--format", "concise"]);
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn format_human_shows_a_code_frame() {
    let o = rollsim(&["lint", "--select", "RS0", INTERVAL]);
    let out = stdout(&o);
    let want = "error[RS006]: metric 'error-rate': invalid interval string: time: missing unit in duration \"60\"\n \
                --> fixtures/lint/interval-without-unit/flagged.yaml:8:15\n  |\n\
                8 |     interval: \"60\"\n  |               ^^^^ interval-without-unit\n";
    assert!(out.starts_with(want), "{out}");
    assert!(
        out.ends_with("Found 2 findings (2 errors, 0 warnings, 0 info).\n"),
        "{out}"
    );
    assert_eq!(
        stdout(&rollsim(&["lint", "--select", "RS0", CLEAN])),
        "All checks passed.\n"
    );
}

#[test]
fn format_concise_is_one_line_per_finding() {
    let o = rollsim(&["lint", "--select", "RS0", INTERVAL, "--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "fixtures/lint/interval-without-unit/flagged.yaml:8:15: RS006 metric 'error-rate': invalid interval string: time: missing unit in duration \"60\"\n\
         fixtures/lint/interval-without-unit/flagged.yaml:15:19: RS006 metric 'delayed': invalid startDelay string: time: unknown unit \"d\" in duration \"1d\"\n"
    );
}

#[test]
fn format_json_has_the_stable_schema() {
    let o = rollsim(&["lint", "--select", "RS0", INTERVAL, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let items = v.as_array().expect("an array of findings");
    assert_eq!(items.len(), 2);
    let f = &items[0];
    assert_eq!(f["code"], "RS006");
    assert_eq!(f["name"], "interval-without-unit");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], INTERVAL);
    assert_eq!(f["line"], 8);
    assert_eq!(f["column"], 15);
    assert!(
        f["message"]
            .as_str()
            .expect("text")
            .contains("missing unit")
    );
    let clean = rollsim(&["lint", "--select", "RS0", CLEAN, "--format", "json"]);
    assert_eq!(stdout(&clean).trim(), "[]");
}

#[test]
fn format_sarif_has_the_required_fields_and_rule_indices() {
    let o = rollsim(&[
        "lint",
        "--select",
        "RS0",
        INTERVAL,
        WARNING_ONLY,
        "--format",
        "sarif",
    ]);
    assert_eq!(code(&o), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().expect("$schema").contains("sarif"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "rollsim");
    let rules = driver["rules"].as_array().expect("rules");
    for r in rules {
        for key in ["id", "name"] {
            assert!(r[key].is_string(), "rule lacks {key}: {r}");
        }
        assert!(r["shortDescription"]["text"].is_string());
        assert!(r["fullDescription"]["text"].is_string());
        assert!(r["help"]["text"].is_string());
        assert!(r["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for res in results {
        let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], res["ruleId"],
            "ruleIndex points at its rule"
        );
        assert!(res["message"]["text"].is_string());
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string());
        assert!(loc["region"]["startLine"].as_u64().expect("startLine") >= 1);
        assert!(loc["region"]["startColumn"].as_u64().expect("startColumn") >= 1);
    }
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().expect("level"))
        .collect();
    assert_eq!(levels, ["warning", "warning", "error", "error"]);
}

#[test]
fn format_github_writes_workflow_commands() {
    let o = rollsim(&["lint", WARNING_ONLY, "--format", "github"]);
    let out = stdout(&o);
    let first = out.lines().next().expect("a line");
    assert_eq!(
        first,
        "::warning file=fixtures/lint/empty-arg-value/flagged.yaml,line=8,col=12,\
         title=RS010 empty-arg-value::argument `service` defaults to an empty string"
    );
}

#[test]
fn suppression_comments_on_the_line_or_above_and_file_wide() {
    let dir = tempfile::tempdir().expect("temp dir");
    let same_line = TEMPLATE_WITH_BAD_INTERVAL.replace(
        "interval: \"60\"",
        "interval: \"60\"  # rollsim: ignore[RS006]",
    );
    let above = TEMPLATE_WITH_BAD_INTERVAL.replace(
        "    interval: \"60\"",
        "    # rollsim: ignore[interval-without-unit]\n    interval: \"60\"",
    );
    let other_rule = TEMPLATE_WITH_BAD_INTERVAL.replace(
        "interval: \"60\"",
        "interval: \"60\"  # rollsim: ignore[RS004]",
    );
    let file_wide = format!("# rollsim: ignore-file[RS0]\n{TEMPLATE_WITH_BAD_INTERVAL}");
    for (name, text, want) in [
        ("same-line.yaml", same_line, 0),
        ("above.yaml", above, 0),
        ("other-rule.yaml", other_rule, 1),
        ("file-wide.yaml", file_wide, 0),
    ] {
        std::fs::write(dir.path().join(name), text).expect("write");
        let o = rollsim_in(dir.path(), &["lint", name]);
        assert_eq!(code(&o), Some(want), "{name}: {}", stdout(&o));
    }
}

#[test]
fn config_file_from_the_current_directory_or_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("t.yaml"), TEMPLATE_WITH_BAD_INTERVAL).expect("write");
    std::fs::write(
        dir.path().join("rollsim.toml"),
        "[severity]\ninterval-without-unit = \"warning\"\n",
    )
    .expect("write");
    let o = rollsim_in(dir.path(), &["lint", "t.yaml", "--format", "json"]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"severity\": \"warning\""));
    std::fs::write(dir.path().join("strict.toml"), "deny-warnings = true\n").expect("write");
    let o = rollsim_in(dir.path(), &["lint", "t.yaml", "--config", "strict.toml"]);
    assert_eq!(code(&o), Some(1), "--config replaces ./rollsim.toml");
    std::fs::write(
        dir.path().join("typo.toml"),
        "select = [\"RS0\"]\n\n[options]\nscrape_interval = \"30s\"\n",
    )
    .expect("write");
    let o = rollsim_in(dir.path(), &["lint", "t.yaml", "--config", "typo.toml"]);
    assert_eq!(code(&o), Some(2));
    assert!(
        stderr(&o).contains("typo.toml:4:1: unknown field `scrape_interval`"),
        "{}",
        stderr(&o)
    );
    let o = rollsim_in(dir.path(), &["lint", abs(CLEAN).as_str()]);
    assert_eq!(code(&o), Some(0));
}

#[test]
fn rule_prints_docs_and_lists() {
    let o = rollsim(&["rule", "RS006"]);
    assert_eq!(code(&o), Some(0));
    let out = stdout(&o);
    assert!(
        out.starts_with("# RS006 interval-without-unit (error)\n"),
        "{out}"
    );
    assert!(out.contains("## Why is this bad?"));
    assert_eq!(
        stdout(&rollsim(&["rule", "interval-without-unit"])),
        out,
        "by name"
    );
    let unknown = rollsim(&["rule", "RS999"]);
    assert_eq!(code(&unknown), Some(2));
    let list = stdout(&rollsim(&["rule", "--list"]));
    assert!(
        list.lines()
            .any(|l| l.starts_with("RS006") && l.contains("interval-without-unit")),
        "{list}"
    );
}
