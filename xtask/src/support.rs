//! What `bench` and `harden` both use: the fixture snapshots, supervised
//! child processes (servers, drivers) and their memory, publishing shares,
//! the WebDriver helpers the browser tests use, templates and quantiles.

pub mod fixture;
pub mod procs;
pub mod publish;
#[path = "../../tests/support/webdriver.rs"]
pub mod webdriver;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use tempfile::TempDir;

/// A temporary directory named `prefix…` holding a copy of `binary`: a
/// rebuild by someone else meanwhile cannot swap it between restarts, and
/// its processes are found by this path.
pub fn private_copy(binary: &Path, prefix: &str) -> Result<(TempDir, PathBuf)> {
    let work = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .context("no temporary directory")?;
    let copy = work
        .path()
        .join(binary.file_name().context("a binary without a name")?);
    fs_copy(binary, &copy)?;
    Ok((work, copy))
}

fn fs_copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to).with_context(|| format!("could not copy {}", from.display()))?;
    Ok(())
}

/// `template` (minijinja; a block tag on a line of its own leaves no blank
/// line) filled in from `context`.
pub fn render(template: &str, context: impl Serialize) -> Result<String> {
    let mut env = minijinja::Environment::new();
    let mut syntax = minijinja::syntax::SyntaxConfig::builder();
    syntax
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true);
    env.set_syntax(syntax.build()?);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.render_str(template, minijinja::value::Serde(context))
        .context("could not fill in a template")
}

/// The `q`-quantile (0–1) of `values` by the nearest-rank method; `None`
/// when there are none.
pub fn quantile<T: Copy + PartialOrd>(values: &[T], q: f64) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// [`quantile`] of figures, NaN when there are none.
pub fn percentile(values: &[f64], q: f64) -> f64 {
    quantile(values, q).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let values: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(quantile(&values, 0.5), Some(50));
        assert_eq!(quantile(&values, 0.99), Some(99));
        assert_eq!(quantile(&values, 1.0), Some(100));
        assert_eq!(quantile(&values, 0.0), Some(1));
        assert_eq!(quantile(&[7], 0.99), Some(7));
        assert_eq!(quantile::<u32>(&[], 0.5), None);
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
