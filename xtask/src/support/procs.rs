//! The processes a bench starts: the share-server and nginx, each on a free
//! loopback port in its own process group, stopped (and the group killed)
//! when dropped; and reading their memory from `/proc`.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A port nobody listens on right now.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(listener.local_addr()?.port())
}

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

    /// SIGTERM, up to 10 s for a graceful exit, then SIGKILL to the group.
    pub fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits until `GET path` on the port answers 200.
pub fn wait_ready(process: &mut Supervised, port: u16, path: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        process.ensure_running()?;
        if http_status(port, path).is_ok_and(|status| status == 200) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("{} did not answer on port {port} within 30 s", process.name);
        }
        thread::sleep(Duration::from_millis(25));
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

/// A `share-server serve` on a free loopback port, logging warnings and
/// errors to a file: no per-request log, as nginx runs with `access_log off`.
pub struct ShareServer {
    pub process: Supervised,
    pub port: u16,
}

impl ShareServer {
    /// Starts `binary serve` on `database` with the rate limits lifted (the
    /// bench publishes thousands of shares from one IP and one token).
    pub fn start(binary: &Path, database: &Path, log: &Path) -> Result<Self> {
        let port = free_port()?;
        let log = fs::OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .args(serve_args(database, port))
            .env("RUST_LOG", SERVER_LOG_LEVEL)
            .stdout(Stdio::null())
            .stderr(log);
        let mut process = Supervised::spawn("share-server", &mut command)?;
        wait_ready(&mut process, port, "/healthz")?;
        Ok(Self { process, port })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// The server's `RUST_LOG`: the per-request INFO lines off, like nginx's
/// access log (an admin who keeps them pays about 6–10 µs per request).
pub const SERVER_LOG_LEVEL: &str = "warn";

/// The flags the bench serves with (also written to BENCHMARKS.md).
pub fn serve_args(database: &Path, port: u16) -> Vec<String> {
    vec![
        "serve".to_owned(),
        "--database-url".to_owned(),
        format!("sqlite://{}", database.display()),
        "--bind".to_owned(),
        format!("127.0.0.1:{port}"),
        "--rate-limit-ip".to_owned(),
        "0".to_owned(),
        "--rate-limit-token".to_owned(),
        "0".to_owned(),
    ]
}

/// `share-server user add NAME`: creates the database and returns the token.
pub fn add_user(binary: &Path, database: &Path, name: &str) -> Result<String> {
    let output = Command::new(binary)
        .args(["user", "add", name, "--database-url"])
        .arg(format!("sqlite://{}", database.display()))
        .stderr(Stdio::null())
        .output()
        .context("could not run `share-server user add`")?;
    if !output.status.success() {
        bail!("`share-server user add` failed ({})", output.status);
    }
    let stdout = String::from_utf8(output.stdout)?;
    stdout
        .lines()
        .last()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .context("`share-server user add` printed no token")
}

/// nginx serving a directory of static files, as the reference.
pub struct Nginx {
    /// Stopped, workers and all, when dropped.
    process: Supervised,
    pub port: u16,
}

impl Nginx {
    /// Serves `dir/www` with a config generated into `dir`.
    pub fn start(dir: &Path, workers: usize) -> Result<Self> {
        let port = free_port()?;
        let conf = dir.join("nginx.conf");
        fs::write(&conf, nginx_conf(dir, port, workers))?;
        for sub in ["tmp", "www"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        // When run as root nginx's workers run as `nobody`: let them read the files.
        readable_by_all(dir)?;
        let mut command = Command::new("nginx");
        command
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut process = Supervised::spawn("nginx", &mut command)
            .context("could not start nginx (apt-get install nginx)")?;
        wait_ready(&mut process, port, "/ready").with_context(|| {
            let log = fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            format!("nginx error log:\n{log}")
        })?;
        Ok(Self { process, port })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The master's pid (the workers are its children).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}

fn readable_by_all(dir: &Path) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let meta = fs::metadata(&path)?;
        let mode = if meta.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
        if meta.is_dir() {
            for entry in fs::read_dir(&path)? {
                stack.push(entry?.path());
            }
        }
    }
    Ok(())
}

/// A minimal static-file config: as fast as nginx gets for one small file
/// (sendfile, open-file cache, no access log, keep-alive without a request cap,
/// pre-compressed `.gz` files served as they are).
pub fn nginx_conf(dir: &Path, port: u16, workers: usize) -> String {
    let dir = dir.display();
    format!(
        "worker_processes {workers};
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    open_file_cache max=64 inactive=60s;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{ }}
    default_type \"text/html; charset=utf-8\";
    gzip off;
    gzip_static on;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location = /ready {{ return 200; }}
    }}
}}
"
    )
}

/// CPU time (user + system) used so far by a process and its descendants
/// (nginx's workers), from `/proc/PID/stat`.
pub fn cpu_time(root: u32) -> Result<Duration> {
    let ticks_per_second = clock_ticks();
    let stats: Vec<Stat> = fs::read_dir("/proc")?
        .flatten()
        .filter_map(|entry| fs::read_to_string(entry.path().join("stat")).ok())
        .filter_map(|stat| parse_stat(&stat))
        .collect();
    let mut tree = vec![root];
    let mut ticks = 0;
    let mut index = 0;
    while let Some(&pid) = tree.get(index) {
        index += 1;
        for stat in &stats {
            if stat.pid == pid {
                ticks += stat.ticks;
            }
            if stat.parent == pid && !tree.contains(&stat.pid) {
                tree.push(stat.pid);
            }
        }
    }
    Ok(Duration::from_secs_f64(ticks as f64 / ticks_per_second))
}

/// What the bench reads from `/proc/PID/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub pid: u32,
    pub parent: u32,
    /// utime + stime, in clock ticks.
    pub ticks: u64,
}

/// Parses `/proc/PID/stat` (the command name may contain spaces and `)`).
pub fn parse_stat(stat: &str) -> Option<Stat> {
    let pid = stat.split_whitespace().next()?.parse().ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    // Fields after the name: state(3) ppid(4) … utime(14) stime(15).
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some(Stat {
        pid,
        parent: u32::try_from(field(4)?).ok()?,
        ticks: field(14)? + field(15)?,
    })
}

/// `getconf CLK_TCK` (100 on Linux in practice).
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
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

/// Samples a process's RSS every 50 ms until dropped; keeps the largest.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    max: Arc<AtomicU64>,
    thread: Option<thread::JoinHandle<()>>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let max = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, max) = (Arc::clone(&stop), Arc::clone(&max));
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(memory) = memory(pid) {
                        max.fetch_max(memory.rss, Ordering::Relaxed);
                    }
                    thread::sleep(Duration::from_millis(50));
                }
            })
        };
        Self {
            stop,
            max,
            thread: Some(thread),
        }
    }

    /// The largest RSS seen, in bytes.
    pub fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.max.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_peak() {
        let status =
            "Name:\tshare-server\nVmPeak:\t  900000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
        assert_eq!(
            parse_status(status),
            Some(Memory {
                rss: 10 * 1024 * 1024,
                peak: 20 * 1024 * 1024
            })
        );
        assert_eq!(parse_status("Name:\tx\n"), None);
        let own = memory(std::process::id()).unwrap();
        assert!(own.rss > 0 && own.peak >= own.rss);
    }

    #[test]
    fn reads_cpu_ticks() {
        let stat =
            "4242 (nginx: worker (x)) S 4200 4200 4200 0 -1 4194560 90 0 0 0 170 30 0 0 20 0 1 0";
        assert_eq!(
            parse_stat(stat),
            Some(Stat {
                pid: 4242,
                parent: 4200,
                ticks: 200
            })
        );
        assert!(cpu_time(std::process::id()).is_ok());
    }

    #[test]
    fn nginx_config_is_static_and_quiet() {
        let conf = nginx_conf(Path::new("/tmp/b"), 4321, 2);
        for line in [
            "worker_processes 2;",
            "daemon off;",
            "access_log off;",
            "gzip_static on;",
            "listen 127.0.0.1:4321;",
            "root /tmp/b/www;",
        ] {
            assert!(conf.contains(line), "{line} missing from\n{conf}");
        }
    }
}
