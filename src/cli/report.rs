//! `rollsim report`: replay a rollout (as `rollsim simulate` does) and write what a reviewer
//! looks at: a folder (`index.html`, `chart.svg`, `chart.png`, `summary.md`), or one
//! self-contained HTML file, and/or a Markdown summary for a pull-request comment.
//!
//! Exit 0 when written (whatever the outcome); 2 for unusable input or an unwritable path.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use clap::Args;

use super::simulate::{ReplayArgs, evidence_or_error, input};
use super::{CliError, Exit};
use crate::replay::ReplayInput;
use crate::report::html::{self, Review, Sources};
use crate::report::markdown::{self, Links};
use crate::report::{chart, render};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub replay: ReplayArgs,

    /// A folder (index.html, chart.svg, chart.png, summary.md) or one self-contained FILE.html
    #[arg(
        long,
        value_name = "DIR|FILE.html",
        required_unless_present = "markdown"
    )]
    pub out: Option<PathBuf>,

    /// The pull-request summary (Markdown), embedding the chart and linking the report written
    /// by --out (alone, it also writes the chart as FILE.png beside it)
    #[arg(long, value_name = "FILE.md")]
    pub markdown: Option<PathBuf>,
}

/// Where `--out` writes.
enum Out {
    Folder(PathBuf),
    Html(PathBuf),
}

fn out_kind(path: &Path) -> Result<Out, CliError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => Ok(Out::Html(path.to_path_buf())),
        _ if path.is_dir() => Ok(Out::Folder(path.to_path_buf())),
        None if !path.exists() => Ok(Out::Folder(path.to_path_buf())),
        _ => Err(CliError::Usage(format!(
            "--out {}: give a folder or a .html file",
            path.display()
        ))),
    }
}

pub fn run(args: &ReportArgs) -> Result<Exit, CliError> {
    let out = args.out.as_deref().map(out_kind).transpose()?;
    if let Some(md) = &args.markdown
        && md.is_dir()
    {
        return Err(CliError::Usage(format!(
            "--markdown {}: is a folder",
            md.display()
        )));
    }
    let input = input(&args.replay)?;
    let (replay, evidence) = evidence_or_error(&input)?;
    let chart = chart::build(&replay, &evidence);
    let review = Review {
        replay: &replay,
        evidence: &evidence,
        chart: &chart,
        sources: sources(&input, args.replay.scenario.as_deref()),
    };
    let mut written: Vec<PathBuf> = Vec::new();
    let mut links = Links::default();
    let mut images: Vec<PathBuf> = Vec::new();
    let mut report: Option<PathBuf> = None;
    match &out {
        Some(Out::Html(path)) => {
            create_parent(path)?;
            write(path, html::render(&review).as_bytes())?;
            report = Some(path.clone());
            written.push(path.clone());
        }
        Some(Out::Folder(dir)) => {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
            let index = dir.join("index.html");
            // The chart is drawn once for the page and for `chart.svg`.
            let svg = render::simulation_svg(&chart);
            write(&index, html::render_with_svg(&review, &svg).as_bytes())?;
            written.push(index.clone());
            let svg_path = dir.join("chart.svg");
            let svg = svg.map_err(|e| CliError::Input(e.to_string()))?;
            render::write_file(&svg_path, svg.as_bytes())
                .map_err(|e| CliError::Input(e.to_string()))?;
            written.push(svg_path);
            let png = dir.join("chart.png");
            render::write_simulation(&chart, &png).map_err(|e| CliError::Input(e.to_string()))?;
            written.push(png);
            images.push(dir.join("chart.png"));
            report = Some(index);
            let summary = dir.join("summary.md");
            let local = Links {
                images: vec!["chart.png".into()],
                report: Some("index.html".into()),
            };
            write(&summary, markdown::render(&review, &local).as_bytes())?;
            written.push(summary);
        }
        None => {}
    }
    if let Some(md) = &args.markdown {
        create_parent(md)?;
        if out.is_none() {
            // A summary on its own still shows the chart: FILE.png beside FILE.md.
            let png = md.with_extension("png");
            render::write_simulation(&chart, &png).map_err(|e| CliError::Input(e.to_string()))?;
            images.push(png.clone());
            written.push(png);
        }
        let base = md.parent().unwrap_or(Path::new(""));
        links.images = images.iter().map(|p| relative(base, p)).collect();
        links.report = report.as_deref().map(|p| relative(base, p));
        write(md, markdown::render(&review, &links).as_bytes())?;
        written.push(md.clone());
    }
    let mut stdout = std::io::stdout().lock();
    for path in &written {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(Exit::Success)
}

fn sources(input: &ReplayInput, scenario: Option<&Path>) -> Sources {
    let world = input.world.as_ref().map(|w| {
        format!(
            "seed {}, {} requests/s, router {:?}",
            w.seed, w.traffic.rps, w.routing.router
        )
        .to_lowercase()
    });
    Sources {
        scenario: scenario.map(Path::to_path_buf),
        rollout: input.rollout.clone(),
        templates: input.templates.clone(),
        data: input.data.clone(),
        world,
        args: input.args.clone(),
        compat: match input.compat {
            crate::promql::Compat::V2 => "Prometheus 2.x".into(),
            crate::promql::Compat::V3 => "Prometheus 3.x".into(),
        },
    }
}

fn io_error(path: &Path, e: std::io::Error) -> CliError {
    CliError::Input(format!("cannot write {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|e| io_error(path, e))
}

fn create_parent(path: &Path) -> Result<(), CliError> {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => {
            std::fs::create_dir_all(p).map_err(|e| io_error(p, e))
        }
        _ => Ok(()),
    }
}

/// `to` as a path relative to the folder `from` (both made absolute first), with `/`.
fn relative(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<String>>()
    };
    let from = if from.as_os_str().is_empty() {
        Path::new(".")
    } else {
        from
    };
    let (from, to) = (abs(from), abs(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c.png")),
            "c.png"
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/r/c.png")),
            "../r/c.png"
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/r/c.png")),
            "r/c.png"
        );
    }

    #[test]
    fn out_is_a_folder_or_an_html_file() {
        assert!(matches!(
            out_kind(Path::new("x/report.html")),
            Ok(Out::Html(_))
        ));
        assert!(matches!(
            out_kind(Path::new("x/new-folder")),
            Ok(Out::Folder(_))
        ));
        assert!(matches!(
            out_kind(Path::new("x/chart.svg")),
            Err(CliError::Usage(_))
        ));
    }
}
