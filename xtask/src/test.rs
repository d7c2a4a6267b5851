//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::{cmd, e2e, harden, setup, ui};

/// Stands where `--locked` goes under CI (see [`cmd::locked`]).
const LOCKED: &str = "--locked";

/// The cargo checks after setup and the UI build (src-tauri embeds
/// `ui/dist`, so the UI comes first): a name for the header and cargo's
/// arguments.
const CARGO_CHECKS: &[(&str, &str)] = &[
    ("cargo fmt --check", "fmt --all -- --check"),
    // All features, as the test run builds: chat-core's optional parts are
    // checked here too; without them it is built below for wasm32.
    (
        "clippy (workspace, all targets, all features)",
        "clippy --workspace --all-targets --all-features --locked -- -D warnings",
    ),
    (
        "clippy (ui, wasm32)",
        "clippy -p ui --target wasm32-unknown-unknown --locked -- -D warnings",
    ),
    (
        "chat-core builds for wasm32",
        "build -p chat-core --target wasm32-unknown-unknown --locked",
    ),
    // Every test binary runs, so one CI run reports every failure.
    (
        "cargo test (workspace, all features)",
        "test --workspace --all-features --no-fail-fast --locked",
    ),
];

/// `cargo` with the words of `args`, `--locked` only under CI.
fn cargo(args: &str) -> Command {
    let locked = cmd::is_ci();
    cmd::cargo(
        args.split_whitespace()
            .filter(|arg| *arg != LOCKED || locked),
    )
}

pub fn run() -> Result<()> {
    let started = Instant::now();
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let mut check = |name: &'static str, body: &dyn Fn() -> Result<()>| {
        let ((), took) = cmd::timed(name, body)?;
        timings.push((name, took));
        anyhow::Ok(())
    };
    check("setup", &setup::ensure)?;
    check("ui", &ui::build)?;
    for (name, args) in CARGO_CHECKS {
        check(name, &|| cmd::run(&mut cargo(args)))?;
    }
    // Then what needs a desktop session.
    check(
        "keyring against the real Secret Service (gnome-keyring, D-Bus)",
        &|| cmd::run(&mut e2e::keyring_test()),
    )?;
    check(
        "the app end to end (Xvfb, WebKitWebDriver, Chromium)",
        &|| cmd::run(&mut e2e::app_test(None)),
    )?;
    // The short conformance run: a seeded schemathesis pass (pinned, PyPI)
    // over every operation of the OpenAPI document, against a real server.
    check("API conformance (schemathesis, quick)", &|| {
        harden::conformance::run(&harden::conformance::QUICK)
    })?;

    eprintln!(
        "\nall checks passed in {}:",
        cmd::seconds(started.elapsed())
    );
    for (name, took) in timings {
        eprintln!("  {:>8}  {name}", cmd::seconds(took));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locked_stands_only_where_cargo_takes_it() {
        let fmt = cmd::display(&cargo(CARGO_CHECKS[0].1));
        assert_eq!(fmt, "cargo fmt --all -- --check");
        let clippy = cmd::display(&cargo(CARGO_CHECKS[1].1));
        assert_eq!(clippy.contains(LOCKED), cmd::is_ci(), "{clippy}");
        assert!(clippy.ends_with(" -- -D warnings"), "{clippy}");
    }
}
