//! API conformance: schemathesis (from PyPI, pinned, in a venv under
//! `target/harden/venv`) against `/api/v0/openapi.json` of a running debug
//! share-server. Debug on purpose: its overflow checks turn arithmetic bugs
//! into panics (500s) that a release build would hide.
//!
//! Every built-in check runs, in all four phases (the document's examples,
//! coverage of boundaries, random fuzzing, and stateful sequences that follow
//! the document's links: publish, then read, download and revoke). Real ids
//! are given to the operations that take one (a random id only ever reaches
//! the 404 branch). Where the API answers differently from what a generic
//! check assumes, by design, the generated config narrows that one check for
//! that one operation and says why.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::thread;

use anyhow::{Context, Result, bail};
use chrono::Utc;

use crate::cmd::{self, Build, target_dir};
use crate::support::procs::{ShareServer, add_user};
use crate::support::{self, fixture, publish, render};

/// The schemathesis release these checks were written against.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// Its dependencies as they were when the checks were written (`pip
/// freeze`), so that a fixed seed generates the same cases next year. Used
/// as pip constraints; when they cannot be met (another Python), pip
/// resolves afresh with a warning.
const CONSTRAINTS: &str = include_str!("schemathesis-constraints.txt");

pub const FULL_EXAMPLES: u32 = 1000;

#[derive(Debug, Clone)]
pub struct Options {
    /// Test cases per operation and phase (`--max-examples`).
    pub max_examples: u32,
    /// `None`: schemathesis picks one (and prints it).
    pub seed: Option<u64>,
}

/// `--quick`: few cases, with a fixed seed so that a failure in CI reproduces.
pub const QUICK: Options = Options {
    max_examples: 25,
    seed: Some(1),
};

/// What schemathesis reported.
#[derive(Debug, Default)]
struct Summary {
    /// Test cases generated and sent.
    cases: u64,
    /// Unique failures found.
    failures: u64,
    seed: String,
}

/// Installs schemathesis if needed, builds and starts the server, runs
/// schemathesis and judges it. An error on any failure.
pub fn run(options: &Options) -> Result<()> {
    let schemathesis = cmd::step("schemathesis", ensure_schemathesis)?;
    let (work, binary, _) = cmd::step(
        "build the share-server (debug, as the tests built it)",
        || support::private_build("share-server", Build::Tested, "parlor-conformance-"),
    )?;
    let database_url = format!("sqlite://{}", work.path().join("conformance.db").display());
    let token = add_user(&binary, &database_url, "conformance")?;
    let log = work.path().join("server.log");
    let mut server = ShareServer::share_server(&binary, &database_url, &log)?;
    let base = server.url("");
    let (read_id, revoke_id) = publish_two(&base, &token)?;
    let config = work.path().join("schemathesis.toml");
    fs::write(&config, config_toml(&token, &read_id, &revoke_id)?)?;
    let reports = target_dir()?.join("harden/conformance");
    fs::create_dir_all(&reports)?;
    let junit = reports.join("junit.xml");
    let _ = fs::remove_file(&junit);

    let mut command = Command::new(&schemathesis);
    command
        .arg("--config-file")
        .arg(&config)
        .args(["run", &format!("{base}/api/v0/openapi.json")])
        .arg(format!("--max-examples={}", options.max_examples))
        .args([
            "--no-color",
            "--generation-database=none",
            "--request-timeout=10",
        ])
        .arg("--report=junit")
        .arg(format!("--report-junit-path={}", junit.display()))
        .current_dir(work.path());
    if let Some(seed) = &options.seed {
        command.arg(format!("--seed={seed}"));
    }
    let name = format!(
        "schemathesis run ({} examples per operation)",
        options.max_examples
    );
    let ((succeeded, output), took) = cmd::timed(&name, || run_echoing(&mut command))?;
    server.process.ensure_running()?;
    server.process.stop();

    let summary = parse_summary(&output);
    let log_text = fs::read_to_string(&log).unwrap_or_default();
    let panics = log_text
        .lines()
        .filter(|line| line.contains("panicked") || line.contains("ERROR"))
        .count();
    let junit = if junit.exists() {
        junit.display().to_string()
    } else {
        "none".to_owned()
    };
    eprintln!(
        "\nconformance: {} test cases, {} failures, seed {}, {}; JUnit: {junit}",
        summary.cases,
        summary.failures,
        summary.seed,
        cmd::seconds(took)
    );
    if panics > 0 {
        bail!("{panics} ERROR or panic lines in the server log:\n{log_text}");
    }
    if !succeeded || summary.failures > 0 {
        bail!(
            "schemathesis found failures (see above); the same cases again: \
             `cargo xtask harden conformance --examples {} --seed {}`",
            options.max_examples,
            summary.seed
        );
    }
    Ok(())
}

/// `target/harden/venv/bin/schemathesis` at [`SCHEMATHESIS_VERSION`],
/// created or upgraded when needed.
fn ensure_schemathesis() -> Result<PathBuf> {
    let venv = target_dir()?.join("harden/venv");
    let schemathesis = venv.join("bin/schemathesis");
    let installed = cmd::output(Command::new(&schemathesis).arg("--version"))
        .is_ok_and(|version| version.trim().ends_with(SCHEMATHESIS_VERSION));
    if installed {
        eprintln!("schemathesis {SCHEMATHESIS_VERSION} is installed");
        return Ok(schemathesis);
    }
    if !venv.join("bin/python").exists() {
        cmd::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .context("could not create a Python venv (Debian: apt-get install python3-venv)")?;
    }
    let constraints = venv.join("constraints.txt");
    fs::write(&constraints, CONSTRAINTS)?;
    let pip = |constrained: bool| {
        let mut pip = Command::new(venv.join("bin/pip"));
        pip.args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}"));
        if constrained {
            pip.arg("--constraint").arg(&constraints);
        }
        cmd::run(&mut pip)
    };
    if let Err(error) = pip(true) {
        eprintln!("warning: {error:#}; installing without the pinned dependencies");
        pip(false)?;
    }
    Ok(schemathesis)
}

/// Publishes two shares: one with attached files to read, one small one to
/// revoke.
fn publish_two(base: &str, token: &str) -> Result<(String, String)> {
    let runtime = support::runtime(1)?;
    runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build()?;
        let with_files = serde_json::to_vec(&chat_core::fixtures::files::with_attachments())?;
        let read = publish::create(&http, base, token, &with_files).await?;
        let body = serde_json::to_vec(&fixture::small_chat(Utc::now()))?;
        let revoke = publish::create(&http, base, token, &body).await?;
        Ok((read, revoke))
    })
}

/// The schemathesis config: the token for every request, real ids for the
/// operations that take one (and the hash of a file the read share
/// attaches), and the narrowed checks with their reasons.
fn config_toml(token: &str, read_id: &str, revoke_id: &str) -> Result<String> {
    let file = &chat_core::fixtures::files::images()[0].sha256;
    let ids = serde_json::json!({"token": token, "read_id": read_id, "revoke_id": revoke_id, "read_file": file});
    render(include_str!("schemathesis.toml.in"), ids)
}

/// Runs `command`, echoing its stdout to stderr line by line as it comes,
/// and returns whether it succeeded and what it printed.
fn run_echoing(command: &mut Command) -> Result<(bool, String)> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start schemathesis")?;
    let stdout = child.stdout.take().context("no stdout")?;
    let reader = thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            eprintln!("{line}");
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let status = child.wait()?;
    let text = reader.join().unwrap_or_default();
    Ok((status.success(), text))
}

/// Reads "Test cases: N generated, … M unique failures …" and "Seed: S".
fn parse_summary(output: &str) -> Summary {
    let mut summary = Summary::default();
    let mut lines = output.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line == "Test cases:"
            && let Some(counts) = lines.next()
        {
            let words: Vec<&str> = counts.split([' ', ',']).filter(|w| !w.is_empty()).collect();
            let before = |word: &str| {
                words
                    .iter()
                    .position(|w| *w == word)
                    .and_then(|i| i.checked_sub(1))
                    .and_then(|i| words[i].parse::<u64>().ok())
            };
            summary.cases = before("generated").unwrap_or(0);
            summary.failures = before("unique").unwrap_or(0);
        } else if let Some(seed) = line.strip_prefix("Seed:") {
            seed.trim().clone_into(&mut summary.seed);
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_summary() {
        let read = |output: &str| {
            let summary = parse_summary(output);
            (summary.cases, summary.failures, summary.seed)
        };
        let failed =
            "Test cases:\n  643 generated, 4 found 4 unique failures, 4 skipped\n\nSeed: 1\n";
        assert_eq!(read(failed), (643, 4, "1".to_owned()));
        let passed = "Test cases:\n  1396 generated, 1396 passed, 2 skipped\n\nSeed: 42\n";
        assert_eq!(read(passed), (1396, 0, "42".to_owned()));
    }

    #[test]
    fn config_names_the_ids_and_the_exceptions() {
        let toml = config_toml("psu_t", "READ", "GONE").unwrap();
        assert!(toml.contains("Authorization = \"Bearer psu_t\""));
        assert!(toml.contains("parameters = { \"path.shareId\" = \"READ\" }"));
        assert!(toml.contains("parameters = { \"path.shareId\" = \"GONE\" }"));
        assert!(toml.contains("include-name = \"DELETE /api/v0/shared-chats/{shareId}\""));
        assert!(toml.contains("checks.ignored_auth.enabled = false"));
        let file = &chat_core::fixtures::files::images()[0].sha256;
        assert!(toml.contains(&format!("\"path.sha256\" = \"{file}\"")));
        assert_eq!(toml.matches("[[operations]]").count(), 6);
    }
}
