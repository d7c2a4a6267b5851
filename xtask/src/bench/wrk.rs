//! Running `wrk` and reading its report.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// One `wrk` run as configured by the bench.
#[derive(Debug, Clone)]
pub struct Load {
    pub threads: u32,
    pub connections: u32,
    pub duration: Duration,
    pub headers: Vec<String>,
    /// A Lua script (`-s`), e.g. to POST.
    pub script: Option<std::path::PathBuf>,
}

impl Load {
    pub fn new(connections: u32, duration: Duration) -> Self {
        Self {
            threads: 2,
            connections,
            duration,
            headers: Vec::new(),
            script: None,
        }
    }

    pub fn header(mut self, header: &str) -> Self {
        self.headers.push(header.to_owned());
        self
    }

    pub fn script(mut self, path: &Path) -> Self {
        self.script = Some(path.to_owned());
        self
    }

    /// The arguments, as shown in BENCHMARKS.md (`URL` for the target).
    pub fn args(&self, url: &str) -> Vec<String> {
        let mut args = vec![
            format!("-t{}", self.threads),
            format!("-c{}", self.connections),
            format!("-d{}s", self.duration.as_secs().max(1)),
            "--latency".to_owned(),
        ];
        for header in &self.headers {
            args.push("-H".to_owned());
            args.push(header.clone());
        }
        if let Some(script) = &self.script {
            args.push("-s".to_owned());
            args.push(script.display().to_string());
        }
        args.push(url.to_owned());
        args
    }

    /// The command line for humans (headers quoted).
    pub fn shown(&self, url: &str) -> String {
        let args: Vec<String> = self
            .args(url)
            .into_iter()
            .map(|arg| {
                if arg.contains(' ') {
                    format!("'{arg}'")
                } else {
                    arg
                }
            })
            .collect();
        format!("wrk {}", args.join(" "))
    }

    /// Runs wrk and parses its report; an error when any response was not
    /// 2xx/3xx or a socket failed (figures of failures are no figures).
    pub fn run(&self, url: &str) -> Result<WrkReport> {
        let output = Command::new("wrk")
            .args(self.args(url))
            .stdin(Stdio::null())
            .output()
            .context("could not start `wrk` (apt-get install wrk)")?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "`{}` failed ({}): {}{}",
                self.shown(url),
                output.status,
                stdout,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let report = parse(&stdout).with_context(|| format!("wrk printed:\n{stdout}"))?;
        if report.errors > 0 {
            bail!(
                "`{}`: {} failed responses or socket errors\n{stdout}",
                self.shown(url),
                report.errors
            );
        }
        Ok(report)
    }
}

/// What the bench reads from a wrk report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WrkReport {
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub requests: u64,
    /// Non-2xx/3xx responses plus socket errors.
    pub errors: u64,
}

/// Parses the report of `wrk --latency`.
pub fn parse(text: &str) -> Result<WrkReport> {
    let mut requests_per_sec = None;
    let mut p50 = None;
    let mut p99 = None;
    let mut requests = None;
    let mut errors = 0;
    for line in text.lines().map(str::trim) {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("Requests/sec:") => {
                requests_per_sec = fields.next().and_then(|v| v.parse::<f64>().ok());
            }
            Some("50.000%" | "50%") => p50 = fields.next().and_then(parse_duration),
            Some("99.000%" | "99%") => p99 = fields.next().and_then(parse_duration),
            Some(count) if line.contains(" requests in ") => {
                requests = count.parse::<u64>().ok();
            }
            _ if line.starts_with("Non-2xx or 3xx responses:") => {
                errors += line
                    .rsplit(' ')
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
            }
            _ if line.starts_with("Socket errors:") => {
                // "Socket errors: connect 0, read 0, write 0, timeout 0"
                errors += line
                    .split(|c: char| !c.is_ascii_digit())
                    .filter_map(|v| v.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    match (requests_per_sec, p50, p99, requests) {
        (Some(requests_per_sec), Some(p50), Some(p99), Some(requests)) => Ok(WrkReport {
            requests_per_sec,
            p50,
            p99,
            requests,
            errors,
        }),
        _ => bail!("not a `wrk --latency` report (no Requests/sec, 50% or 99% line)"),
    }
}

/// `712.00us`, `1.23ms`, `2.50s`, `1.00m`.
fn parse_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

/// A Lua script that POSTs `body_file` as JSON with a bearer token.
pub fn post_script(body_file: &Path, token: &str) -> String {
    format!(
        "local f = assert(io.open({path:?}, \"rb\"))\n\
         wrk.method = \"POST\"\n\
         wrk.body = f:read(\"*a\")\n\
         f:close()\n\
         wrk.headers[\"Content-Type\"] = \"application/json\"\n\
         wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n",
        path = body_file.display().to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
Running 15s test @ http://127.0.0.1:41234/shared/abc
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.52ms  712.31us  21.40ms   88.12%
    Req/Sec    21.43k     1.12k   24.80k    71.33%
  Latency Distribution
     50%    1.38ms
     75%    1.80ms
     90%    2.31ms
     99%  850.00us
  640123 requests in 15.00s, 12.88GB read
Requests/sec:  42674.87
Transfer/sec:      0.86GB
";

    #[test]
    fn parses_a_latency_report() {
        let report = parse(REPORT).unwrap();
        assert_eq!(report.requests_per_sec, 42674.87);
        assert_eq!(report.p50, Duration::from_micros(1380));
        assert_eq!(report.p99, Duration::from_micros(850));
        assert_eq!(report.requests, 640_123);
        assert_eq!(report.errors, 0);
    }

    #[test]
    fn counts_failures() {
        let failing = REPORT.replace(
            "Requests/sec:",
            "  Socket errors: connect 0, read 3, write 0, timeout 2\n  Non-2xx or 3xx responses: 7\nRequests/sec:",
        );
        assert_eq!(parse(&failing).unwrap().errors, 12);
    }

    #[test]
    fn rejects_other_output() {
        assert!(parse("unable to connect to 127.0.0.1:1 Connection refused").is_err());
    }

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration("712.00us"), Some(Duration::from_micros(712)));
        assert_eq!(parse_duration("2.50s"), Some(Duration::from_millis(2500)));
        assert_eq!(parse_duration("1.00m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("12"), None);
    }

    #[test]
    fn command_line_as_documented() {
        let load = Load::new(64, Duration::from_secs(15)).header("Accept-Encoding: gzip");
        assert_eq!(
            load.shown("http://h/x"),
            "wrk -t2 -c64 -d15s --latency -H 'Accept-Encoding: gzip' http://h/x"
        );
    }
}
