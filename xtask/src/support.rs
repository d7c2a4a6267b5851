//! What `bench` and `harden` both use: the fixture snapshots, supervised
//! child processes (servers, drivers) and their memory, publishing shares,
//! the WebDriver helpers the browser tests use, templates and quantiles.

pub use chat_core::fixtures::generated as fixture;
pub mod procs;
pub mod publish;
#[path = "../../tests/support/webdriver.rs"]
pub mod webdriver;

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;
use tempfile::TempDir;

/// Builds `package` (see [`crate::cmd::build_binary`]) and copies its
/// binary into a temporary directory named `prefix…`: a rebuild by someone
/// else meanwhile cannot swap it between restarts, and its processes are
/// found by this path. Returns the directory, the copy and the build's
/// command line.
pub fn private_build(
    package: &str,
    build: crate::cmd::Build,
    prefix: &str,
) -> Result<(TempDir, PathBuf, String)> {
    let (built, line) = crate::cmd::build_binary(package, build)?;
    let work = tempfile::Builder::new().prefix(prefix).tempdir()?;
    let copy = work.path().join(package);
    std::fs::copy(&built, &copy).with_context(|| format!("could not copy {}", built.display()))?;
    Ok((work, copy, line))
}

/// With `--keep`, keeps `work` (holding `what`) and says where.
pub fn keep_if(keep: bool, work: TempDir, what: &str) {
    if keep {
        eprintln!("kept {what} in {}", work.keep().display());
    }
}

/// A tokio runtime with `workers` threads for the async clients.
pub fn runtime(workers: usize) -> Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    Ok(builder.worker_threads(workers).enable_all().build()?)
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
