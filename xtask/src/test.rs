//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::{cmd, setup, ui};

/// One check: a name for the header and the command it runs.
struct Check {
    name: &'static str,
    command: fn() -> Command,
}

/// The checks after setup and the UI build (src-tauri embeds `ui/dist`, so the
/// UI comes first). Later issues append theirs here.
const CHECKS: &[Check] = &[
    Check {
        name: "cargo fmt --check",
        command: || cmd::cargo(["fmt", "--all", "--", "--check"]),
    },
    Check {
        name: "clippy (workspace, all targets)",
        command: || {
            let mut clippy = cmd::cargo(["clippy", "--workspace", "--all-targets"]);
            clippy.args(cmd::locked()).args(["--", "-D", "warnings"]);
            clippy
        },
    },
    Check {
        name: "clippy (chat-core, all features)",
        command: || {
            let mut clippy = cmd::cargo([
                "clippy",
                "-p",
                "chat-core",
                "--all-targets",
                "--all-features",
            ]);
            clippy.args(cmd::locked()).args(["--", "-D", "warnings"]);
            clippy
        },
    },
    Check {
        name: "chat-core builds for wasm32",
        command: || {
            let mut build = cmd::cargo([
                "build",
                "-p",
                "chat-core",
                "--target",
                "wasm32-unknown-unknown",
            ]);
            build.args(cmd::locked());
            build
        },
    },
    Check {
        name: "cargo test (workspace, all features)",
        command: || {
            // Every test binary runs, so one CI run reports every failure.
            let mut test = cmd::cargo(["test", "--workspace", "--all-features", "--no-fail-fast"]);
            test.args(cmd::locked());
            test
        },
    },
    Check {
        name: "keyring against the real Secret Service (gnome-keyring, D-Bus)",
        command: secret_service_test,
    },
];

/// The keyring test that the plain run ignores: in a private D-Bus session
/// with a fresh HOME and an unlocked gnome-keyring, as on a desktop. rustup's
/// paths are pinned first, because they default to HOME.
fn secret_service_test() -> Command {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".to_owned());
    let rustup_home = std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup"));
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let locked = cmd::locked().join(" ");
    let script = format!(
        "export HOME=\"$(mktemp -d)\"; \
         eval \"$(printf parlor | gnome-keyring-daemon --unlock --components=secrets)\"; \
         exec \"$CARGO_BIN\" test -p parlor --lib {locked} -- --ignored --exact secrets::tests::secret_service_round_trip"
    );
    let mut command = Command::new("dbus-run-session");
    command
        .current_dir(cmd::workspace_root())
        .env("RUSTUP_HOME", rustup_home)
        .env("CARGO_HOME", cargo_home)
        .env("CARGO_BIN", cargo)
        .args(["--", "sh", "-c", &script]);
    command
}

pub fn run() -> Result<()> {
    let started = Instant::now();
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let ((), took) = cmd::step("setup", setup::ensure)?;
    timings.push(("setup", took));
    let ((), took) = cmd::step("ui", ui::build)?;
    timings.push(("ui", took));
    for check in CHECKS {
        let ((), took) = cmd::step(check.name, || cmd::run(&mut (check.command)()))?;
        timings.push((check.name, took));
    }

    eprintln!(
        "\nall checks passed in {}:",
        cmd::seconds(started.elapsed())
    );
    for (name, took) in timings {
        eprintln!("  {:>8}  {name}", cmd::seconds(took));
    }
    Ok(())
}
