//! `cargo xtask harden [crash] [fuzz]`: the long-running hardening checks.
//! Their short counterparts — the crash-durability test, the corpus seeds,
//! the auth matrix, the hostile-input and XSS suites — run in the normal
//! `cargo test --workspace`.
//!
//! `crash` (see [`crash`]) kills the release share-server with SIGKILL at
//! random moments under load and checks that no acknowledged share is lost,
//! on SQLite and PostgreSQL.
//!
//! `fuzz` runs each target in `fuzz/` (cargo-fuzz, nightly) for a fixed time
//! at the lowest CPU priority, growing its corpus in `fuzz/work/<target>`
//! (ignored by git) from the committed seeds in `fuzz/corpus/<target>`. A
//! crash, timeout or out-of-memory leaves its input in
//! `fuzz/artifacts/<target>/` and fails the command.

pub mod conformance;
mod crash;
mod load;

use clap::ValueEnum;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::cmd::{self, workspace_root};
use crash::Backend;

/// The fuzz targets and the libFuzzer dictionary each uses.
const TARGETS: [(&str, &str); 3] = [
    ("snapshot_parse", "dict/snapshot.dict"),
    ("markdown_render", "dict/markdown.dict"),
    ("page_render", "dict/snapshot.dict"),
];

const DEFAULT_SECONDS: u64 = 600;
const QUICK_SECONDS: u64 = 30;

/// A part of `harden`, in the order they run: minutes first, the half hour
/// of fuzzing last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
enum Part {
    /// the crash-durability test (share-server/tests/it/crash_durability.rs)
    /// with a release server and 20 kills: kill -9 at random moments under a
    /// mixed load of creates and reads, restart, then every share whose create
    /// got a 201 must be served byte-identical; on SQLite and on a throwaway
    /// PostgreSQL cluster (`postgresql` apt package)
    Crash,
    /// the load test (share-server/tests/it/load.rs) for 60 s: 256
    /// connections reading pages and the JSON API, publishing and listing,
    /// while other clients abort mid-request and mid-response; fails on any
    /// error or 5xx of the well-behaved clients
    Load,
    /// schemathesis (pinned, in a venv under target/harden/) against
    /// /api/v0/openapi.json of a running debug server: 1000 examples per
    /// operation, all checks and phases, stateful links
    Conformance,
    /// fuzz each target in fuzz/ for 10 minutes, one after another at nice 19,
    /// then print execs, coverage and findings; installs cargo-fuzz (and the
    /// nightly toolchain) when missing
    Fuzz,
}

/// The long-running hardening checks (no part: all of them, in order).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    parts: Vec<Part>,
    /// Short runs: 5 kills per backend, 10 s of load, 25 examples per
    /// operation (seed 1), 30 s per fuzz target
    #[arg(long)]
    quick: bool,
    /// crash: kills per backend
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    kills: Option<u64>,
    /// crash: only this backend (repeatable; default both)
    #[arg(long = "backend", value_enum)]
    backends: Vec<Backend>,
    /// crash and conformance: replay the kill timing and bodies, or the
    /// generated cases, of an earlier run
    #[arg(long)]
    seed: Option<u64>,
    /// conformance: test cases per operation and phase
    #[arg(long)]
    examples: Option<u32>,
    /// load: against this database (e.g. postgres://…) instead of a fresh
    /// SQLite file
    #[arg(long)]
    database_url: Option<String>,
    /// fuzz: seconds per target
    #[arg(long)]
    seconds: Option<u64>,
    /// fuzz: only this target (repeatable)
    #[arg(long = "target", value_parser = TARGETS.map(|(name, _)| name))]
    targets: Vec<String>,
}

#[derive(Debug)]
struct Options {
    parts: Vec<Part>,
    quick: bool,
    /// `load` against this database instead of a fresh SQLite file.
    load_database: Option<String>,
    crash: crash::Options,
    conformance: conformance::Options,
    seconds: u64,
    targets: Vec<(&'static str, &'static str)>,
}

impl Args {
    fn options(self) -> Result<Options> {
        let mut parts = self.parts;
        if parts.is_empty() {
            parts = vec![Part::Crash, Part::Load, Part::Conformance, Part::Fuzz];
        }
        parts.sort();
        parts.dedup();
        let mut backends = self.backends;
        backends.dedup();
        if backends.is_empty() {
            backends = Backend::ALL.to_vec();
        }
        let targets = if self.targets.is_empty() {
            TARGETS.to_vec()
        } else {
            TARGETS
                .into_iter()
                .filter(|(name, _)| self.targets.iter().any(|t| t == name))
                .collect()
        };
        let default_kills = if self.quick {
            crash::QUICK_KILLS
        } else {
            crash::DEFAULT_KILLS
        };
        let mut conformance = conformance::Options::new(self.quick);
        if let Some(examples) = self.examples {
            conformance.max_examples = examples;
        }
        if let Some(seed) = self.seed {
            conformance.seed = Some(seed.to_string());
        }
        Ok(Options {
            parts,
            quick: self.quick,
            load_database: self.database_url,
            crash: crash::Options {
                kills: self.kills.map_or(Ok(default_kills), usize::try_from)?,
                backends,
                seed: self.seed,
            },
            conformance,
            seconds: self.seconds.unwrap_or(if self.quick {
                QUICK_SECONDS
            } else {
                DEFAULT_SECONDS
            }),
            targets,
        })
    }
}

/// Runs every part asked for, even after one fails, then fails if any did.
pub fn run(args: Args) -> Result<()> {
    let options = args.options()?;
    let mut failed = Vec::new();
    for &part in &options.parts {
        let result = match part {
            Part::Crash => crash::run(&options.crash),
            Part::Load => load::run(options.quick, options.load_database.as_deref()),
            Part::Conformance => conformance::run(&options.conformance).map(drop),
            Part::Fuzz => fuzz_all(&options),
        };
        if let Err(error) = result {
            let name = part.to_possible_value().map(|v| v.get_name().to_owned());
            eprintln!("\nharden {}: {error:#}", name.as_deref().unwrap_or("?"));
            failed.push(name.unwrap_or_default());
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("harden failed: {}", failed.join(", "))
    }
}

/// `cargo test` of the one test `name` of the share-server's `it` suite,
/// its output shown.
fn share_server_test(name: &str) -> Command {
    let mut command = cmd::cargo(["test", "-p", "share-server", "--test", "it"]);
    command
        .args(cmd::locked())
        .args([name, "--", "--exact", "--nocapture"]);
    command
}

fn fuzz_all(options: &Options) -> Result<()> {
    let fuzz_dir = workspace_root().join("fuzz");
    cmd::step("cargo-fuzz", ensure_cargo_fuzz)?;
    cmd::step("build the fuzz targets", || {
        cmd::run(nightly(&fuzz_dir, &[]).args(["fuzz", "build", "-O"]))
    })?;
    let mut failed = Vec::new();
    for (target, dictionary) in &options.targets {
        let name = format!("fuzz {target} for {} s", options.seconds);
        if cmd::step(&name, || {
            fuzz(&fuzz_dir, target, dictionary, options.seconds)
        })
        .is_err()
        {
            failed.push(*target);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "findings in {failed:?} (fuzz/artifacts/<target>/): reproduce with \
             `cargo +nightly fuzz run -O <target> <artifact>` in fuzz/, \
             minimize with `cargo +nightly fuzz tmin -O <target> <artifact>`"
        )
    }
}

/// `cargo +nightly` from the rustup proxy in `dir`, after `prefix` (e.g.
/// `nice -n 19`), with what the outer (stable) cargo set for xtask removed
/// so that it cannot pin the toolchain.
fn nightly(dir: &Path, prefix: &[&str]) -> Command {
    let (program, args) = prefix.split_first().unwrap_or((&"cargo", &[]));
    let mut command = Command::new(program);
    command.args(args);
    if !prefix.is_empty() {
        command.arg("cargo");
    }
    command.arg("+nightly").current_dir(dir);
    for variable in ["RUSTUP_TOOLCHAIN", "CARGO", "RUSTC", "RUSTC_WRAPPER"] {
        command.env_remove(variable);
    }
    command
}

/// Whether `nightly(root) args` runs and succeeds.
fn nightly_has(args: &[&str]) -> bool {
    let mut command = nightly(workspace_root(), &[]);
    command
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command.status().is_ok_and(|status| status.success())
}

fn ensure_cargo_fuzz() -> Result<()> {
    if !nightly_has(&["--version"]) {
        let install = ["toolchain", "install", "nightly", "--profile", "minimal"];
        cmd::run(Command::new("rustup").args(install))?;
    }
    if nightly_has(&["fuzz", "--version"]) {
        eprintln!("cargo-fuzz is installed");
        Ok(())
    } else {
        cmd::run(&mut cmd::cargo(["install", "cargo-fuzz", "--locked"]))
    }
}

/// Runs `target` for `seconds` at the lowest CPU priority, its corpus
/// growing in `fuzz/work/<target>` from the seeds in `fuzz/corpus/<target>`.
/// libFuzzer's output goes to `fuzz/work/<target>.log`; its final figures
/// (execs, coverage, corpus, peak RSS) to stderr, or on a failure (a crash,
/// timeout or out-of-memory, whose input cargo-fuzz leaves in
/// `fuzz/artifacts/<target>/`) the end of the log.
fn fuzz(fuzz_dir: &Path, target: &str, dictionary: &str, seconds: u64) -> Result<()> {
    let work = fuzz_dir.join("work");
    fs::create_dir_all(work.join(target))
        .with_context(|| format!("creating {}", work.display()))?;
    let log_path = work.join(format!("{target}.log"));
    let log =
        fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    let mut command = nightly(fuzz_dir, &["nice", "-n", "19"]);
    command
        .args(["fuzz", "run", "-O", target])
        .args([format!("work/{target}"), format!("corpus/{target}")])
        .args([
            "--",
            "-print_final_stats=1",
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=8192",
        ])
        .args([
            format!("-max_total_time={seconds}"),
            format!("-dict={dictionary}"),
        ])
        .stdout(log.try_clone()?)
        .stderr(log);
    eprintln!(
        "$ nice -n 19 cargo +nightly fuzz run -O {target} … (log: {})",
        log_path.display()
    );
    let status = command.status().context("could not start cargo fuzz")?;
    let output = fs::read_to_string(&log_path).unwrap_or_default();
    let shown = if status.success() {
        final_figures(&output)
    } else {
        let tail: Vec<&str> = output.lines().rev().take(30).collect();
        tail.into_iter().rev().collect()
    };
    eprintln!("{}", shown.join("\n"));
    if !status.success() {
        bail!("{target}: cargo fuzz failed ({status})");
    }
    Ok(())
}

/// libFuzzer's last status line (`#N DONE cov: C ft: F corp: K/…`) and its
/// final `stat::` lines.
fn final_figures(output: &str) -> Vec<&str> {
    let done = output
        .lines()
        .rev()
        .find(|line| line.starts_with('#') && line.contains(" cov: "));
    let stats = output.lines().filter(|line| line.starts_with("stat::"));
    done.into_iter().chain(stats).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_libfuzzer_final_figures() {
        let output = "\
#2\tINITED cov: 10 ft: 12 corp: 5/1b exec/s: 0 rss: 30Mb
#123456\tDONE   cov: 2345 ft: 6789 corp: 321/45Kb lim: 4096 exec/s: 205 rss: 400Mb
Done 123456 runs in 601 second(s)
stat::number_of_executed_units: 123456
stat::peak_rss_mb:              400
";
        let shown = final_figures(output);
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown[0].contains("DONE   cov: 2345"));
        assert_eq!(shown[2], "stat::peak_rss_mb:              400");
    }

    #[derive(clap::Parser)]
    struct Harden {
        #[command(flatten)]
        args: Args,
    }

    fn parse(list: &[&str]) -> Result<Options> {
        use clap::Parser as _;
        let args = Harden::try_parse_from(std::iter::once("harden").chain(list.iter().copied()))?;
        args.args.options()
    }

    #[test]
    fn options() {
        let quick = parse(&["--quick", "--target", "page_render"]).unwrap();
        assert_eq!(quick.seconds, QUICK_SECONDS);
        assert_eq!(quick.targets.len(), 1);
        assert_eq!(parse(&[]).unwrap().seconds, DEFAULT_SECONDS);
        assert_eq!(parse(&["--seconds", "5"]).unwrap().seconds, 5);
        assert!(parse(&["--target", "nope"]).is_err());
        assert!(parse(&["--fast"]).is_err());
        assert!(parse(&["--seconds"]).is_err());
        assert!(parse(&["--seconds", "soon"]).is_err());
    }

    #[test]
    fn parts_default_to_all_crash_first() {
        let all = parse(&[]).unwrap();
        assert_eq!(
            all.parts,
            [Part::Crash, Part::Load, Part::Conformance, Part::Fuzz]
        );
        assert!(!all.quick);
        assert_eq!(all.crash.kills, crash::DEFAULT_KILLS);
        assert_eq!(all.crash.backends, Backend::ALL);
        assert_eq!(all.crash.seed, None);
        assert_eq!(all.targets.len(), TARGETS.len());
        assert_eq!(parse(&["crash"]).unwrap().parts, [Part::Crash]);
        assert_eq!(parse(&["fuzz"]).unwrap().parts, [Part::Fuzz]);
        let both = parse(&["fuzz", "crash", "fuzz"]).unwrap();
        assert_eq!(both.parts, [Part::Crash, Part::Fuzz]);
        let some = parse(&["--quick", "conformance", "load"]).unwrap();
        assert_eq!(some.parts, [Part::Load, Part::Conformance]);
        assert!(some.quick);
        assert_eq!(some.load_database, None);
        let pg = parse(&["load", "--database-url", "postgres://h/db"]).unwrap();
        assert_eq!(pg.load_database.as_deref(), Some("postgres://h/db"));
        assert!(parse(&["load", "--database-url"]).is_err());
        assert!(parse(&["crush"]).is_err());
    }

    #[test]
    fn crash_options() {
        let quick = parse(&["crash", "--quick"]).unwrap();
        assert_eq!(quick.crash.kills, crash::QUICK_KILLS);
        assert_eq!(quick.seconds, QUICK_SECONDS);
        // An explicit value wins over --quick, in either order.
        for list in [["--kills", "3", "--quick"], ["--quick", "--kills", "3"]] {
            assert_eq!(parse(&list).unwrap().crash.kills, 3);
        }
        let quick_seconds = parse(&["--seconds", "7", "--quick"]).unwrap();
        assert_eq!(quick_seconds.seconds, 7);
        let one = parse(&["crash", "--backend", "pg", "--seed", "42"]).unwrap();
        assert_eq!(one.crash.backends, [Backend::Postgres]);
        assert_eq!(one.crash.seed, Some(42));
        let twice = parse(&["--backend", "sqlite", "--backend", "sqlite"]).unwrap();
        assert_eq!(twice.crash.backends, [Backend::Sqlite]);
        assert!(parse(&["--backend", "mysql"]).is_err());
        assert!(parse(&["--backend"]).is_err());
        assert!(parse(&["--kills", "0"]).is_err());
        assert!(parse(&["--kills", "-1"]).is_err());
        assert!(parse(&["--seed", "x"]).is_err());
    }
}
