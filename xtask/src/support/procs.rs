//! The processes `bench` and `harden` start: the share-server, nginx and the
//! bare axum route, each on a free loopback port in its own process group,
//! stopped (and the group killed) when dropped; and what `/proc` tells about
//! them: memory, CPU time, start time and process trees.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::json;

pub use super::webdriver::free_port;

/// A child in its own process group: SIGTERM on stop, then SIGKILL to the
/// whole group (nginx's workers, anything else it forked).
pub struct Supervised {
    pub name: &'static str,
    child: Child,
}

impl Supervised {
    pub fn spawn(name: &'static str, command: &mut Command) -> Result<Self> {
        command.stdin(Stdio::null()).process_group(0);
        let child = command
            .spawn()
            .with_context(|| format!("could not start {name}"))?;
        Ok(Self { name, child })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails when the process has already exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("{} exited early ({status})", self.name);
        }
        Ok(())
    }

    /// Waits until `GET path` on `port` answers 200.
    pub fn wait_ready(&mut self, port: u16, path: &str) -> Result<()> {
        let started = Instant::now();
        loop {
            self.ensure_running()?;
            if http_status(port, path).is_ok_and(|status| status == 200) {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("{} did not answer on port {port} within 30 s", self.name);
            }
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// SIGTERM, up to 10 s for a graceful exit, then SIGKILL to the group.
    pub fn stop(&mut self) {
        let kill = |args: &[&str]| {
            Command::new("kill")
                .args(args)
                .stderr(Stdio::null())
                .status()
        };
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = kill(&["-TERM", &self.child.id().to_string()]);
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = kill(&["-KILL", "--", &format!("-{}", self.child.id())]);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The status code of a plain HTTP/1.0 GET (no client library needed).
pub fn http_status(port: u16, path: &str) -> Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    let status = std::str::from_utf8(&head[9..12])?.parse()?;
    Ok(status)
}

/// The server's `RUST_LOG`: the per-request INFO lines off, like nginx's
/// access log (an admin who keeps them pays about 6–10 µs per request).
pub const SERVER_LOG_LEVEL: &str = "warn";

/// A server on a free loopback port: a `share-server serve` or nginx.
pub struct Service {
    /// Stopped (nginx: workers and all) when dropped.
    pub process: Supervised,
    pub port: u16,
}

pub type ShareServer = Service;
pub type Nginx = Service;

impl Service {
    /// `binary serve` on `database_url`, logging warnings and errors to `log`,
    /// with the rate limits lifted (the bench publishes thousands of shares
    /// from one IP and one token).
    pub fn share_server(binary: &Path, database_url: &str, log: &Path) -> Result<Self> {
        Self::share_server_with(binary, database_url, log, &[])
    }

    /// [`ShareServer::share_server`] with more `serve` flags.
    pub fn share_server_with(binary: &Path, url: &str, log: &Path, more: &[&str]) -> Result<Self> {
        let port = free_port();
        let log = fs::OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .args(serve_args(url, &format!("127.0.0.1:{port}")))
            .args(more);
        command.env("RUST_LOG", SERVER_LOG_LEVEL).stderr(log);
        Self::start("share-server", &mut command, port, "/readyz")
    }

    /// nginx serving `dir/www` with a config generated into `dir`, as the reference.
    pub fn nginx(dir: &Path, workers: usize) -> Result<Self> {
        let port = free_port();
        let conf = dir.join("nginx.conf");
        fs::write(&conf, nginx_conf(dir, port, workers)?)?;
        for sub in ["tmp", "www"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        // When run as root nginx's workers run as `nobody`: let them read the files.
        readable_by_all(dir)?;
        let mut command = Command::new("nginx");
        command.arg("-p").arg(dir).arg("-c").arg(&conf);
        Self::start("nginx", command.stderr(Stdio::null()), port, "/ready").with_context(|| {
            let log = fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            format!("could not start nginx (apt-get install nginx); its error log:\n{log}")
        })
    }

    /// The bare axum route (`share-server/examples/bare_page.rs`) serving
    /// the responses saved in `dir`.
    pub fn bare(binary: &Path, dir: &Path) -> Result<Self> {
        let port = free_port();
        let mut command = Command::new(binary);
        command.arg(port.to_string()).arg(dir).stderr(Stdio::null());
        Self::start("bare axum", &mut command, port, "/ready")
    }

    /// `command` as `name`, once it answers `GET ready` on `port` with 200.
    fn start(name: &'static str, command: &mut Command, port: u16, ready: &str) -> Result<Self> {
        let mut process = Supervised::spawn(name, command.stdout(Stdio::null()))?;
        process.wait_ready(port, ready)?;
        Ok(Self { process, port })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The main process (nginx's workers are its children).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}

/// The arguments the server runs with (also written to BENCHMARKS.md).
pub fn serve_args(database_url: &str, bind: &str) -> Vec<String> {
    let args = ["serve", "--database-url", database_url, "--bind", bind];
    let unlimited = ["--rate-limit-ip", "0", "--rate-limit-token", "0"];
    [&args[..], &unlimited]
        .concat()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// `share-server user add NAME`: creates the database and returns the token.
pub fn add_user(binary: &Path, database_url: &str, name: &str) -> Result<String> {
    let mut command = Command::new(binary);
    command.args(["user", "add", name, "--database-url", database_url]);
    token_of(&mut command)
}

/// Runs a `share-server user add` command line; the token it printed last.
pub fn token_of(command: &mut Command) -> Result<String> {
    let printed = crate::cmd::output(command.env("RUST_LOG", SERVER_LOG_LEVEL))?;
    let token = printed.lines().last().map(str::trim).unwrap_or_default();
    if token.is_empty() {
        bail!("`share-server user add` printed no token");
    }
    Ok(token.to_owned())
}

fn readable_by_all(dir: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry?;
        let mode = match entry.file_type().is_dir() {
            true => 0o755,
            false => 0o644,
        };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// nginx's config for serving `dir/www` on `port` (`nginx.conf.in`).
pub fn nginx_conf(dir: &Path, port: impl ToString, workers: usize) -> Result<String> {
    let context =
        json!({"dir": dir.display().to_string(), "port": port.to_string(), "workers": workers});
    super::render(include_str!("nginx.conf.in"), context)
}

// ------------------------------------------------------------------- /proc

/// What the bench reads from `/proc/PID/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub pid: u32,
    pub parent: u32,
    /// utime + stime, in clock ticks.
    pub ticks: u64,
    /// When the process started, in clock ticks after boot.
    pub start: u64,
}

/// Parses `/proc/PID/stat` (the command name may contain spaces and `)`).
pub fn parse_stat(stat: &str) -> Option<Stat> {
    let pid = stat.split_whitespace().next()?.parse().ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Fields after the name: state(3) ppid(4) … utime(14) stime(15) … starttime(22).
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some(Stat {
        pid,
        parent: u32::try_from(field(4)?).ok()?,
        ticks: field(14)? + field(15)?,
        start: field(22)?,
    })
}

fn stat(pid: u32) -> Option<Stat> {
    parse_stat(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// `root` and every process below it, `root` first.
pub fn tree(root: u32) -> Vec<Stat> {
    let stats: Vec<Stat> = fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| stat(entry.file_name().to_str()?.parse().ok()?))
        .collect();
    descendants(root, &stats)
}

pub fn descendants(root: u32, stats: &[Stat]) -> Vec<Stat> {
    let mut tree: Vec<Stat> = stats.iter().filter(|s| s.pid == root).copied().collect();
    let mut index = 0;
    while let Some(&parent) = tree.get(index) {
        index += 1;
        let children = stats.iter().filter(|s| s.parent == parent.pid);
        tree.extend(children.filter(|s| s.pid != root));
    }
    tree
}

/// CPU time (user + system) used so far by a process and its descendants
/// (nginx's workers).
pub fn cpu_time(root: u32) -> Duration {
    let ticks: u64 = tree(root).iter().map(|s| s.ticks).sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks())
}

/// Wall-clock start of a process, ms since the epoch, from its start time
/// (clock ticks after boot, 10 ms resolution) and `/proc/uptime`.
pub fn start_ms(pid: u32) -> Result<f64> {
    let start = stat(pid).context("unreadable /proc/PID/stat")?.start;
    let uptime = fs::read_to_string("/proc/uptime")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs_f64() * 1e3;
    let uptime = uptime
        .split_whitespace()
        .next()
        .and_then(|s| s.parse::<f64>().ok());
    let uptime = uptime.context("unreadable /proc/uptime")?;
    Ok(now - uptime * 1e3 + start as f64 / clock_ticks() * 1e3)
}

/// `getconf CLK_TCK` (100 on Linux in practice).
fn clock_ticks() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        let ticks = crate::cmd::output(Command::new("getconf").arg("CLK_TCK")).ok();
        ticks
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// `VmRSS` and `VmHWM` of a process, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    pub rss: u64,
    pub peak: u64,
}

pub fn memory(pid: u32) -> Result<Memory> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_status(&status).with_context(|| format!("no VmRSS in /proc/{pid}/status"))
}

/// Reads `VmRSS:` and `VmHWM:` (kB) from `/proc/PID/status`.
pub fn parse_status(status: &str) -> Option<Memory> {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let value = line.strip_prefix(name)?.trim().strip_suffix("kB")?;
            value.trim().parse::<u64>().ok().map(|kb| kb * 1024)
        })
    };
    Some(Memory {
        rss: field("VmRSS:")?,
        peak: field("VmHWM:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_peak() {
        let status =
            "Name:\tshare-server\nVmPeak:\t  900000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
        let expected = Memory {
            rss: 10 * 1024 * 1024,
            peak: 20 * 1024 * 1024,
        };
        assert_eq!(parse_status(status), Some(expected));
        assert_eq!(parse_status("Name:\tx\n"), None);
        let own = memory(std::process::id()).unwrap();
        assert!(own.rss > 0 && own.peak >= own.rss);
    }

    #[test]
    fn reads_cpu_ticks_start_times_and_trees() {
        let stat = "4242 (nginx: worker (x)) S 4200 4200 4200 0 -1 4194560 90 0 0 0 170 30 0 0 20 0 1 0 987654 1000 50";
        let expected = Stat {
            pid: 4242,
            parent: 4200,
            ticks: 200,
            start: 987_654,
        };
        assert_eq!(parse_stat(stat), Some(expected));
        assert!(cpu_time(std::process::id()) > Duration::ZERO);
        let start = start_ms(std::process::id()).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let now = now.as_secs_f64() * 1e3;
        assert!(
            start <= now + 50.0 && now - start < 3_600_000.0,
            "{start} vs {now}"
        );

        let stats = [(1, 0), (10, 1), (11, 10), (12, 10), (20, 1), (13, 11)];
        let stats = stats.map(|(pid, parent)| Stat {
            pid,
            parent,
            ticks: 0,
            start: 0,
        });
        let pids: Vec<u32> = descendants(10, &stats).iter().map(|s| s.pid).collect();
        assert_eq!(pids, [10, 11, 12, 13]);
    }

    #[test]
    fn nginx_config_is_static_and_quiet() {
        let conf = nginx_conf(Path::new("/tmp/b"), 4321, 2).unwrap();
        for line in [
            "worker_processes 2;",
            "daemon off;",
            "access_log off;",
            "gzip_static on;",
            "listen 127.0.0.1:4321;",
            "root /tmp/b/www;",
            "location = /ready { return 200; }",
        ] {
            assert!(conf.contains(line), "{line} missing from\n{conf}");
        }
    }
}
