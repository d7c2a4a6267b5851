//! A release or debug `share-server` binary run as a child process.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::procs::{self, Supervised};

/// `share-server user add NAME --database-url URL`: returns the token.
pub fn add_user(binary: &Path, database_url: &str, name: &str) -> Result<String> {
    let output = Command::new(binary)
        .args(["user", "add", name, "--database-url", database_url])
        .env("RUST_LOG", "warn")
        .stderr(Stdio::inherit())
        .output()
        .context("could not run `share-server user add`")?;
    if !output.status.success() {
        bail!("`share-server user add {name}` failed ({})", output.status);
    }
    String::from_utf8(output.stdout)?
        .lines()
        .last()
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .context("`share-server user add` printed no token")
}

/// `share-server serve` on a free loopback port with the rate limits lifted
/// (thousands of requests come from one IP and four tokens), warnings and
/// errors logged to a file; stopped with SIGTERM when dropped.
pub struct Server {
    pub process: Supervised,
    pub port: u16,
}

impl Server {
    pub fn start(binary: &Path, database_url: &str, log: &Path) -> Result<Self> {
        let port = procs::free_port()?;
        let log = fs::OpenOptions::new().create(true).append(true).open(log)?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--database-url", database_url, "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--rate-limit-ip", "0", "--rate-limit-token", "0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log);
        let mut process = Supervised::spawn("share-server", &mut command)?;
        procs::wait_ready(&mut process, port, "/readyz")?;
        Ok(Self { process, port })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}
