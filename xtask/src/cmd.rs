//! Running child processes and timing steps.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of this crate's manifest directory).
pub fn workspace_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
    })
}

/// `true` when running under CI (`CI` set to anything but empty, `0` or `false`).
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.trim(), "" | "0" | "false" | "FALSE"))
}

/// A `cargo` command in the workspace root, using the same cargo that runs xtask.
pub fn cargo<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace_root()).args(args);
    // xtask's own package variables (from `cargo run`) would make ring's
    // build script run again: builds from a shell would not be reused.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_")
            || [
                "CARGO_MANIFEST_DIR",
                "CARGO_MANIFEST_PATH",
                "CARGO_CRATE_NAME",
            ]
            .contains(&name.as_ref())
        {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// Whether `program` is a file in one of `PATH`'s folders.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// `--locked` under CI, so a stale Cargo.lock fails instead of being rewritten.
pub fn locked() -> &'static [&'static str] {
    if is_ci() { &["--locked"] } else { &[] }
}

/// Where cargo puts build output (honours `CARGO_TARGET_DIR` and config).
pub fn target_dir() -> Result<PathBuf> {
    let args = ["metadata", "--format-version", "1", "--no-deps"];
    let metadata: serde_json::Value = serde_json::from_str(&output(&mut cargo(args))?)?;
    metadata["target_directory"]
        .as_str()
        .map(PathBuf::from)
        .context("`cargo metadata` has no target_directory")
}

/// Which build of a binary [`build_binary`] makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// `--release`, as shipped.
    Release,
    /// The package alone, debug.
    Debug,
    /// Debug, as `cargo test --workspace --all-features` builds it (the
    /// workspace's features unified), so after that test run there is
    /// nothing left to compile.
    Tested,
}

/// Builds `package`'s binary of the same name and returns its path and the
/// command line that built it.
pub fn build_binary(package: &str, build: Build) -> Result<(PathBuf, String)> {
    let mut args = match build {
        Build::Release => vec!["build", "-p", package, "--release"],
        Build::Debug => vec!["build", "-p", package],
        Build::Tested => vec!["build", "--workspace", "--all-features", "--bin", package],
    };
    args.extend(locked());
    run(&mut cargo(&args))?;
    let profile = if build == Build::Release {
        "release"
    } else {
        "debug"
    };
    let binary = target_dir()?.join(profile).join(package);
    if !binary.exists() {
        bail!("{} is missing after the build", binary.display());
    }
    Ok((binary, format!("cargo {}", args.join(" "))))
}

/// Runs a command with inherited stdio; an error when it cannot start or fails.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = display(command);
    eprintln!("$ {shown}");
    let status = command
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Replaces xtask with the command, so Ctrl-C and SIGTERM reach the program
/// directly and its exit status is the exit status.
pub fn exec(command: &mut Command) -> Result<()> {
    eprintln!("$ {}", display(command));
    let error = std::os::unix::process::CommandExt::exec(command);
    Err(error).with_context(|| format!("could not start `{}`", display(command)))
}

/// Whether a command runs and succeeds, its output discarded.
pub fn succeeds(command: &mut Command) -> bool {
    let quiet = command.stdout(Stdio::null()).stderr(Stdio::null());
    quiet.status().is_ok_and(|status| status.success())
}

/// Runs a command and returns its stdout; stderr is passed through.
pub fn output(command: &mut Command) -> Result<String> {
    let shown = display(command);
    let out = command
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !out.status.success() {
        bail!("`{shown}` failed ({})", out.status);
    }
    String::from_utf8(out.stdout).with_context(|| format!("`{shown}` printed invalid UTF-8"))
}

/// The command line as shown: the program's file name and the arguments.
pub fn display(command: &Command) -> String {
    let program = Path::new(command.get_program()).file_name();
    let program = program.unwrap_or(command.get_program()).to_string_lossy();
    let args = command.get_args().map(|arg| arg.to_string_lossy());
    std::iter::once(program)
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one named step with a header before and its duration after.
pub fn step<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    timed(name, body).map(|(value, _)| value)
}

/// [`step`], and how long it took.
pub fn timed<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<(T, Duration)> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    let result = body();
    let took = started.elapsed();
    match result {
        Ok(value) => {
            eprintln!("<== {name}: ok in {}", seconds(took));
            Ok((value, took))
        }
        Err(error) => {
            eprintln!("<== {name}: FAILED after {}", seconds(took));
            Err(error.context(format!("step `{name}` failed")))
        }
    }
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}
