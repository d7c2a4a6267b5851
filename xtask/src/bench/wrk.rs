//! Running `wrk` and reading its figures from a Lua `done()` hook that
//! prints them as JSON.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The `done()` hook appended to every script wrk runs.
const DONE_HOOK: &str = include_str!("wrk_report.lua");
/// Where the hook lives, for the command lines in BENCHMARKS.md.
pub const REPORT_SCRIPT: &str = "xtask/src/bench/wrk_report.lua";

/// One `wrk` run as configured by the bench: two threads, `connections`
/// connections for `duration`, with a header and a Lua script (e.g. to POST)
/// if given.
#[derive(Debug, Clone)]
pub struct Load {
    pub connections: u32,
    pub duration: Duration,
    pub header: Option<&'static str>,
    pub script: Option<PathBuf>,
}

impl Load {
    pub fn new(connections: u32, duration: Duration) -> Self {
        Self {
            connections,
            duration,
            header: None,
            script: None,
        }
    }

    /// The arguments, with `script` as the Lua script.
    fn args(&self, url: &str, script: &str) -> Vec<String> {
        let (connections, seconds) = (self.connections, self.duration.as_secs().max(1));
        let mut args = vec![
            "-t2".to_owned(),
            format!("-c{connections}"),
            format!("-d{seconds}s"),
        ];
        if let Some(header) = self.header {
            args.extend(["-H".to_owned(), header.to_owned()]);
        }
        args.extend(["-s".to_owned(), script.to_owned(), url.to_owned()]);
        args
    }

    /// The command line for humans (headers quoted), as shown in BENCHMARKS.md.
    pub fn shown(&self, url: &str) -> String {
        let script = self.script.as_ref().map_or_else(
            || REPORT_SCRIPT.to_owned(),
            |path| path.display().to_string(),
        );
        let args = self.args(url, &script);
        let words = std::iter::once("wrk").chain(args.iter().map(String::as_str));
        // Quoting fails only on a NUL byte, which no argument here holds.
        shlex::try_join(words).unwrap_or_default()
    }

    /// Runs wrk with [`REPORT_SCRIPT`]'s `done()` hook appended to the
    /// script and reads the JSON line it prints; an error when any response
    /// was not 2xx/3xx or a socket failed (figures of failures are no figures).
    pub fn run(&self, url: &str) -> Result<WrkReport> {
        let mut lua = String::new();
        if let Some(path) = &self.script {
            lua = fs::read_to_string(path).with_context(|| format!("no {}", path.display()))?;
        }
        let mut script = tempfile::Builder::new().suffix(".lua").tempfile()?;
        script.write_all((lua + DONE_HOOK).as_bytes())?;
        let mut wrk = Command::new("wrk");
        wrk.args(self.args(url, &script.path().display().to_string()));
        let output = wrk
            .stdin(Stdio::null())
            .output()
            .context("no `wrk` (apt-get install wrk)")?;
        let (shown, status) = (self.shown(url), output.status);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !status.success() {
            bail!("`{shown}` failed ({status}): {stdout}{stderr}");
        }
        let report = parse(&stdout).with_context(|| format!("wrk printed:\n{stdout}"))?;
        if report.errors > 0 {
            bail!(
                "`{shown}`: {} failed responses or socket errors\n{stdout}",
                report.errors
            );
        }
        Ok(report)
    }
}

/// What the bench reads from a wrk run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrkReport {
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: u64,
    /// Non-2xx/3xx responses plus socket errors.
    pub errors: u64,
}

/// The line [`DONE_HOOK`] prints.
#[derive(Deserialize)]
struct Done {
    requests: u64,
    duration_us: u64,
    p50_us: u64,
    p99_us: u64,
    errors: u64,
}

/// Reads the JSON line of [`DONE_HOOK`] from wrk's output.
pub fn parse(stdout: &str) -> Result<WrkReport> {
    let line = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .context("no JSON line from the done() hook")?;
    let done: Done = serde_json::from_str(line)?;
    let seconds = Duration::from_micros(done.duration_us).as_secs_f64();
    Ok(WrkReport {
        requests_per_sec: done.requests as f64 / seconds.max(f64::MIN_POSITIVE),
        p50: Duration::from_micros(done.p50_us),
        p99: Duration::from_micros(done.p99_us),
        requests: done.requests,
        errors: done.errors,
    })
}

/// A Lua script that POSTs `body_file` as JSON with a bearer token.
pub fn post_script(body_file: &Path, token: &str) -> Result<String> {
    let context = serde_json::json!({"path": body_file, "token": token});
    crate::support::render(include_str!("post.lua.in"), context)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str = "\
Running 15s test @ http://127.0.0.1:41234/shared/abc
  2 threads and 64 connections
  640123 requests in 15.00s, 12.88GB read
{\"requests\":640123,\"duration_us\":15000000,\"p50_us\":1380,\"p99_us\":850,\"errors\":12}
";

    #[test]
    fn reads_the_done_hook() {
        let report = parse(OUTPUT).unwrap();
        assert!((report.requests_per_sec - 42_674.87).abs() < 0.01);
        assert_eq!(report.p50, Duration::from_micros(1380));
        assert_eq!(report.p99, Duration::from_micros(850));
        assert_eq!(report.requests, 640_123);
        assert_eq!(report.errors, 12);
        assert!(parse("unable to connect to 127.0.0.1:1 Connection refused").is_err());
    }

    #[test]
    fn command_line_as_documented() {
        let load = Load {
            header: Some("Accept-Encoding: gzip"),
            ..Load::new(64, Duration::from_secs(15))
        };
        assert_eq!(
            load.shown("http://h/x"),
            format!("wrk -t2 -c64 -d15s -H 'Accept-Encoding: gzip' -s {REPORT_SCRIPT} http://h/x")
        );
        let post = post_script(Path::new("/w/small.json"), "psu_t").unwrap();
        assert!(post.contains(r#"io.open("/w/small.json", "rb")"#), "{post}");
        assert!(
            post.contains(r#""Authorization"] = "Bearer psu_t""#),
            "{post}"
        );
    }
}
