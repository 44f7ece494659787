//! RS000 invalid-manifest: a file that cannot be loaded (reported by the driver, not by
//! `check`, since the file has no objects to look at).

use crate::lint::{Finding, LintContext, Rule, Severity};

pub struct InvalidManifest;

impl Rule for InvalidManifest {
    rule_meta!("RS000", "invalid-manifest", Severity::Error, DOCS);
    fn check(&self, _cx: &LintContext, _out: &mut Vec<Finding>) {}
}

const DOCS: &str = "\
## What it does
Reports a file that cannot be read as Kubernetes manifests: a YAML syntax error, a Helm
template (`{{ .Values.x }}`), or a field of the wrong type.

## Why is this bad?
Nothing in the file can be checked, and `kubectl apply` would reject it. When any such
finding remains, `rollsim lint` exits 2 (bad input) after reporting everything else, so one
Helm chart in a folder does not hide the findings of the other files. `--select` does not
turn this rule off (bad input must not pass silently); ignore it explicitly
(`--ignore RS000`, or in `rollsim.toml`) to lint a folder that mixes charts and manifests.

## Example
```yaml
metadata:
  name: {{ .Release.Name }}-error-rate
```

## Use instead
Render the chart first (`helm template <release> <chart> > rendered.yaml`) and lint the output.
";
