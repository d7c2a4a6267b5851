//! A throwaway PostgreSQL cluster for `harden crash`: `initdb` into a
//! temporary directory, `pg_ctl start` on a free loopback port with its Unix
//! socket in that directory, one database for the run.
//!
//! Unlike the test suite's cluster it keeps PostgreSQL's durability
//! defaults (`fsync`, `synchronous_commit`, `full_page_writes` on), so the
//! run measures restarts against a server configured as in production.
//!
//! A watchdog shell holds the read end of a pipe that only xtask writes to:
//! when xtask ends — normally, by an error or by Ctrl-C — the pipe closes and
//! the watchdog stops the cluster and deletes its directory.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::bench::procs::free_port;

/// Where Debian puts PostgreSQL 15 (other versions are looked for beside it).
const PREFERRED_BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct Cluster {
    pub port: u16,
    /// Stops the cluster and removes its directory when its stdin closes.
    watchdog: Child,
}

impl Cluster {
    pub fn start() -> Result<Self> {
        let bin = binaries()?;
        // initdb refuses to run as root: the cluster then belongs to `postgres`.
        let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        let run_as: &[&str] = if as_root {
            &["runuser", "-u", "postgres", "--"]
        } else {
            &[]
        };
        let dir = tempfile::Builder::new()
            .prefix("parlor-crash-pg-")
            .tempdir()
            .context("no temporary directory")?
            .keep();
        // The watchdog first, so that no failure below leaves a cluster behind.
        let watchdog = spawn_watchdog(run_as, &bin, &dir)?;
        let mut cluster = Self { port: 0, watchdog };
        if as_root {
            run(Command::new("chown").arg("postgres:postgres").arg(&dir))?;
        }
        cluster.port = init_and_start(run_as, &bin, &dir)?;
        run(command(run_as, &bin.join("createdb"))
            .args(["-h"])
            .arg(&dir)
            .args(["-p", &cluster.port.to_string(), "-U", "postgres", "crash"]))?;
        Ok(cluster)
    }

    /// The run's database, over TCP.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/crash", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        drop(self.watchdog.stdin.take());
        let _ = self.watchdog.wait();
    }
}

/// `initdb`, then `pg_ctl start` on a free port (three tries: another
/// process may take the port between the probe and the server's bind).
fn init_and_start(run_as: &[&str], bin: &Path, dir: &Path) -> Result<u16> {
    let data = dir.join("data");
    run(command(run_as, &bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"])
        .arg("--no-instructions"))?;
    let log = dir.join("log");
    for _ in 0..3 {
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1",
            dir.display()
        );
        let status = command(run_as, &bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(&log)
            .args(["-w", "-t", "60", "start"])
            .stdout(Stdio::null())
            .status()
            .context("could not run pg_ctl")?;
        if status.success() {
            return Ok(port);
        }
    }
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    bail!("pg_ctl start failed three times; server log:\n{log}")
}

/// `/usr/lib/postgresql/15/bin`, else the newest `/usr/lib/postgresql/*/bin`
/// with `initdb` and `pg_ctl`.
fn binaries() -> Result<PathBuf> {
    let usable = |bin: &Path| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file();
    let preferred = PathBuf::from(PREFERRED_BIN);
    if usable(&preferred) {
        return Ok(preferred);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| usable(bin))
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).with_context(|| {
        format!(
            "no PostgreSQL server binaries (initdb, pg_ctl) in {PREFERRED_BIN}: \
             `cargo xtask setup` (or `apt-get install postgresql`) installs them"
        )
    })
}

fn command(run_as: &[&str], program: &Path) -> Command {
    let mut command = match run_as.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => Command::new(program),
    };
    command.stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> Result<()> {
    let output = command
        .output()
        .with_context(|| format!("could not run {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// A shell that waits for its stdin to close, then stops the cluster and
/// removes its directory. In its own process group and ignoring SIGINT,
/// SIGTERM and SIGHUP, so that a Ctrl-C of xtask still ends in the cleanup.
fn spawn_watchdog(run_as: &[&str], bin: &Path, dir: &Path) -> Result<Child> {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
cat > /dev/null
if [ -f "$DIR/data/postmaster.pid" ]; then
    $RUN_AS "$BIN/pg_ctl" -D "$DIR/data" stop -m immediate -w > /dev/null 2>&1
fi
rm -rf "$DIR"
"#;
    Command::new("sh")
        .args(["-c", SCRIPT])
        .env("RUN_AS", run_as.join(" "))
        .env("BIN", bin)
        .env("DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("could not start the PostgreSQL watchdog (sh)")
}
