//! `cargo xtask harden [crash] [fuzz]`: the long-running hardening checks.
//! Their short counterparts — the crash-durability test, the corpus seeds,
//! the auth matrix, the hostile-input and XSS suites — run in the normal
//! `cargo test --workspace`.
//!
//! `fuzz` runs each target in `fuzz/` (cargo-fuzz, nightly) for a fixed time
//! at the lowest CPU priority, growing its corpus in `fuzz/work/<target>`
//! (ignored by git) from the committed seeds in `fuzz/corpus/<target>`. A
//! crash, timeout or out-of-memory leaves its input in
//! `fuzz/artifacts/<target>/` and fails the command.

pub mod conformance;
mod crash;
mod load;

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use clap::ValueEnum;

use crate::cmd::{self, workspace_root};
use crash::Backend;

/// The fuzz targets and the libFuzzer dictionary each uses.
const TARGETS: [(&str, &str); 3] = [
    ("snapshot_parse", "dict/snapshot.dict"),
    ("markdown_render", "dict/markdown.dict"),
    ("page_render", "dict/snapshot.dict"),
];

/// libFuzzer's flags for every target: final figures, and a crash on a
/// 10 s input, 2 GiB of memory; inputs up to 8 KiB.
const LIBFUZZER_FLAGS: &str = "-print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=8192";

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
    #[arg(value_enum, default_values_t = [Part::Crash, Part::Load, Part::Conformance, Part::Fuzz])]
    parts: Vec<Part>,
    /// Short runs: 5 kills per backend, 10 s of load, 25 examples per
    /// operation (seed 1), 30 s per fuzz target
    #[arg(long)]
    quick: bool,
    /// crash: kills per backend
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..), default_value_t = 20,
          default_value_if("quick", "true", "5"))]
    kills: u64,
    /// crash: only this backend (repeatable)
    #[arg(long = "backend", value_enum, default_values_t = Backend::ALL)]
    backends: Vec<Backend>,
    /// crash and conformance: replay the kill timing and bodies, or the
    /// generated cases, of an earlier run
    #[arg(long)]
    seed: Option<u64>,
    /// conformance: test cases per operation and phase
    #[arg(long, default_value_t = conformance::FULL_EXAMPLES,
          default_value_if("quick", "true", "25"))]
    examples: u32,
    /// load: against this database (e.g. postgres://…) instead of a fresh
    /// SQLite file
    #[arg(long)]
    database_url: Option<String>,
    /// fuzz: seconds per target
    #[arg(long, default_value_t = 600, default_value_if("quick", "true", "30"))]
    seconds: u64,
    /// fuzz: only this target (repeatable)
    #[arg(long = "target", value_parser = TARGETS.map(|(name, _)| name),
          default_values = TARGETS.map(|(name, _)| name))]
    targets: Vec<String>,
}

/// Runs every part asked for, in order, even after one fails, then fails if any did.
pub fn run(mut args: Args) -> Result<()> {
    args.parts.sort();
    args.parts.dedup();
    args.backends.dedup();
    let mut failed = Vec::new();
    for &part in &args.parts {
        let result = match part {
            Part::Crash => crash::run(&args),
            Part::Load => load::run(args.quick, args.database_url.as_deref()),
            Part::Conformance => conformance::run(&args.conformance()),
            Part::Fuzz => fuzz_all(&args),
        };
        if let Err(error) = result {
            eprintln!("\nharden {}: {error:#}", name(part));
            failed.push(name(part));
        }
    }
    ensure!(failed.is_empty(), "harden failed: {}", failed.join(", "));
    Ok(())
}

impl Args {
    /// The conformance run: a seed given wins over `--quick`'s.
    fn conformance(&self) -> conformance::Options {
        let quick_seed = conformance::QUICK.seed.filter(|_| self.quick);
        conformance::Options {
            max_examples: self.examples,
            seed: self.seed.or(quick_seed),
        }
    }
}

/// A part's or backend's name on the command line.
fn name(value: impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
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

fn fuzz_all(args: &Args) -> Result<()> {
    let fuzz_dir = workspace_root().join("fuzz");
    cmd::step("cargo-fuzz", ensure_cargo_fuzz)?;
    cmd::step("build the fuzz targets", || {
        cmd::run(nightly(&fuzz_dir, &[]).args(["fuzz", "build", "-O"]))
    })?;
    let mut failed = Vec::new();
    let targets = TARGETS
        .iter()
        .filter(|(name, _)| args.targets.iter().any(|t| t == name));
    for (target, dictionary) in targets {
        let name = format!("fuzz {target} for {} s", args.seconds);
        if cmd::step(&name, || fuzz(&fuzz_dir, target, dictionary, args.seconds)).is_err() {
            failed.push(*target);
        }
    }
    ensure!(
        failed.is_empty(),
        "findings in {failed:?} (fuzz/artifacts/<target>/): reproduce with \
         `cargo +nightly fuzz run -O <target> <artifact>` in fuzz/, \
         minimize with `cargo +nightly fuzz tmin -O <target> <artifact>`"
    );
    Ok(())
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
    cmd::succeeds(nightly(workspace_root(), &[]).args(args))
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
/// libFuzzer's output goes to `fuzz/work/<target>.log` and its end to
/// stderr: the final figures (execs, coverage, corpus, peak RSS), or on a
/// failure (a crash, timeout or out-of-memory, whose input cargo-fuzz
/// leaves in `fuzz/artifacts/<target>/`) what it found.
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
        .arg("--")
        .args(LIBFUZZER_FLAGS.split_whitespace())
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-dict={dictionary}"))
        .stdout(log.try_clone()?)
        .stderr(log);
    eprintln!(
        "$ nice -n 19 cargo +nightly fuzz run -O {target} … (log: {})",
        log_path.display()
    );
    let status = command.status().context("could not start cargo fuzz")?;
    // libFuzzer ends with its final figures (`DONE cov: …`, `stat::…`) or,
    // on a failure, with what it found and where it left the input.
    let output = fs::read_to_string(&log_path).unwrap_or_default();
    let shown = if status.success() { 12 } else { 30 };
    let tail: Vec<&str> = output.lines().rev().take(shown).collect();
    eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    if !status.success() {
        bail!("{target}: cargo fuzz failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Harden {
        #[command(flatten)]
        args: Args,
    }

    /// `cargo xtask harden <line>`'s arguments.
    fn parse(line: &str) -> Result<Args> {
        use clap::Parser as _;
        let words = std::iter::once("harden").chain(line.split_whitespace());
        Ok(Harden::try_parse_from(words)?.args)
    }

    #[test]
    fn defaults_and_quick_defaults() {
        let all = parse("").unwrap();
        assert_eq!(
            all.parts,
            [Part::Crash, Part::Load, Part::Conformance, Part::Fuzz]
        );
        let figures = |a: &Args| (a.quick, a.kills, a.examples, a.seconds, a.seed);
        assert_eq!(figures(&all), (false, 20, 1000, 600, None));
        assert_eq!(
            (all.backends.clone(), all.targets.len()),
            (Backend::ALL.to_vec(), TARGETS.len())
        );
        let quick = parse("--quick").unwrap();
        assert_eq!(figures(&quick), (true, 5, 25, 30, None));
        let conformance = quick.conformance();
        assert_eq!(conformance.max_examples, conformance::QUICK.max_examples);
        assert_eq!(conformance.seed, Some(1));
        assert_eq!(all.conformance().seed, None);
        // An explicit value wins over --quick, in either order.
        for line in ["--kills 3 --quick", "--quick --kills 3"] {
            assert_eq!(parse(line).unwrap().kills, 3);
        }
        let explicit = parse("--seconds 7 --examples 9 --seed 42 --quick").unwrap();
        assert_eq!(figures(&explicit), (true, 5, 9, 7, Some(42)));
        assert_eq!(explicit.conformance().seed, Some(42));
        let one = parse("fuzz --quick --target page_render --backend pg").unwrap();
        assert_eq!(
            (one.parts, one.targets, one.backends),
            (
                vec![Part::Fuzz],
                vec!["page_render".to_owned()],
                vec![Backend::Postgres]
            )
        );
        let pg = parse("load --database-url postgres://h/db").unwrap();
        assert_eq!(pg.database_url.as_deref(), Some("postgres://h/db"));
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for line in [
            "--target nope",
            "--fast",
            "--seconds",
            "--seconds soon",
            "load --database-url",
            "crush",
            "--backend mysql",
            "--backend",
            "--kills 0",
            "--kills -1",
            "--seed x",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }
}
