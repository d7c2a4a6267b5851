//! The bench's results as Markdown: printed to stderr and written to
//! `BENCHMARKS.md`, keeping the hand-written analysis below the marker.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// Everything below this line in BENCHMARKS.md is written by people and kept
/// when the bench rewrites the figures above it.
pub const NOTES_MARKER: &str =
    "<!-- Hand-written notes below this line are kept by `cargo xtask bench`. -->";

/// A table of figures.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        out.push_str(&line(&self.header));
        let rule: Vec<String> = self
            .header
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { "---".into() } else { "---:".into() })
            .collect();
        out.push_str(&line(&rule));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// One part of a part's results (e.g. "Page throughput against nginx").
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    /// Paragraphs before the table.
    pub text: Vec<String>,
    pub table: Table,
}

/// A performance target and whether this run met it.
#[derive(Debug, Clone)]
pub struct Target {
    pub what: String,
    pub target: String,
    pub measured: String,
    pub met: bool,
}

/// Where and when the figures were taken.
#[derive(Debug, Clone)]
pub struct Machine {
    pub date: DateTime<Utc>,
    pub cores: usize,
    pub cpu: String,
    pub kernel: String,
    pub memory: String,
    pub load_before: String,
    pub load_after: String,
    pub tools: Vec<String>,
}

/// Everything one `cargo xtask bench` run found.
#[derive(Debug, Clone)]
pub struct Report {
    pub command: String,
    pub machine: Machine,
    pub sections: Vec<Section>,
    pub targets: Vec<Target>,
    /// Exact commands, in the order they ran.
    pub commands: Vec<String>,
}

impl Report {
    /// The generated part of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let m = &self.machine;
        let mut targets = Table::new(&["", "target", "measured", "met"]);
        for target in &self.targets {
            targets.row(vec![
                target.what.clone(),
                target.target.clone(),
                target.measured.clone(),
                if target.met { "yes" } else { "**no**" }.to_owned(),
            ]);
        }
        let mut sections = String::new();
        for section in &self.sections {
            let _ = writeln!(sections, "\n## {}\n", section.title);
            for paragraph in &section.text {
                let _ = writeln!(sections, "{paragraph}\n");
            }
            if !section.table.rows.is_empty() {
                sections.push_str(&section.table.markdown());
            }
        }
        let lines = |items: &[String], prefix: &str| -> String {
            items
                .iter()
                .map(|item| format!("{prefix}{item}\n"))
                .collect()
        };
        fill(
            TEMPLATE,
            &[
                ("command", self.command.clone()),
                ("date", m.date.format("%Y-%m-%d %H:%M UTC").to_string()),
                ("cores", m.cores.to_string()),
                ("cpu", m.cpu.clone()),
                ("kernel", m.kernel.clone()),
                ("memory", m.memory.clone()),
                ("load_before", m.load_before.clone()),
                ("load_after", m.load_after.clone()),
                ("tools", lines(&m.tools, "- ")),
                ("targets", targets.markdown()),
                ("sections", sections),
                ("commands", lines(&self.commands, "")),
            ],
        )
    }
}

/// The report's layout; `{name}` marks where a figure goes.
const TEMPLATE: &str = include_str!("BENCHMARKS.md.in");

/// `template` with each `{name}` replaced by its value, in one pass (a value
/// that contains braces is left alone).
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(name, _)| *name == &after[..close])
                .map(|(_, value)| (value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The new BENCHMARKS.md: the generated report, then the marker and
/// whatever was below the marker in the previous file.
pub fn merge_with_notes(generated: &str, previous: Option<&str>) -> String {
    let notes = previous
        .and_then(|text| text.split_once(NOTES_MARKER))
        .map(|(_, notes)| notes.trim_start_matches('\n'))
        .unwrap_or("\n## Notes\n\n(Analysis of missed targets goes here.)\n");
    format!("{}\n{NOTES_MARKER}\n{notes}", generated.trim_end())
}

// ---------------------------------------------------------------- formatting

pub fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1e3;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1e3)
    } else if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub fn rate(per_sec: f64) -> String {
    if per_sec >= 10_000.0 {
        format!("{:.1}k", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}")
    }
}

pub fn ratio(value: f64) -> String {
    format!("{value:.2}×")
}

pub fn bytes(n: u64) -> String {
    if n >= 10 * 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 10 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// The median of some figures (the mean of the middle two for even counts).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_render_as_markdown() {
        let mut table = Table::new(&["server", "req/s"]);
        table.row(vec!["nginx".into(), rate(42_674.0)]);
        assert_eq!(
            table.markdown(),
            "| server | req/s |\n| --- | ---: |\n| nginx | 42.7k |\n"
        );
    }

    #[test]
    fn notes_survive_a_rewrite() {
        let first = merge_with_notes("# Benchmarks\nold", None);
        let edited = format!("{first}\nThe p99 gap comes from logging.\n");
        let second = merge_with_notes("# Benchmarks\nnew", Some(&edited));
        assert!(second.starts_with("# Benchmarks\nnew\n"));
        assert!(second.contains("The p99 gap comes from logging."));
        assert_eq!(second.matches(NOTES_MARKER).count(), 1);
    }

    #[test]
    fn the_template_is_filled_once() {
        assert_eq!(
            fill("a {x} b {y} {z}", &[("x", "{y}".into()), ("y", "2".into())]),
            "a {y} b 2 {z}"
        );
    }

    #[test]
    fn figures() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(millis(Duration::from_micros(850)), "850 µs");
        assert_eq!(millis(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(bytes(20_480), "20.0 KiB");
        assert_eq!(ratio(1.234), "1.23×");
    }
}
