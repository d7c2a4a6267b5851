//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::{cmd, e2e, harden, setup, ui};

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
        name: "clippy (ui, wasm32)",
        command: || {
            let mut clippy =
                cmd::cargo(["clippy", "-p", "ui", "--target", "wasm32-unknown-unknown"]);
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
        command: e2e::keyring_test,
    },
    Check {
        name: "the app end to end (Xvfb, WebKitWebDriver, Chromium)",
        command: e2e::app_test,
    },
];

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

    // The short conformance run: a seeded schemathesis pass (pinned, PyPI)
    // over every operation of the OpenAPI document, against a real server.
    let name = "API conformance (schemathesis, quick)";
    let (_, took) = cmd::step(name, || {
        harden::conformance::run(&harden::conformance::Options::new(true))
    })?;
    timings.push((name, took));

    eprintln!(
        "\nall checks passed in {}:",
        cmd::seconds(started.elapsed())
    );
    for (name, took) in timings {
        eprintln!("  {:>8}  {name}", cmd::seconds(took));
    }
    Ok(())
}
