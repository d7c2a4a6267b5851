//! Tests that need a desktop: a D-Bus session with an unlocked gnome-keyring
//! (the real Secret Service) and, for the app, an X display (Xvfb).
//!
//! `cargo xtask e2e`: the real app end to end (`tests/e2e_app.rs`), alone.

use std::process::Command;

use anyhow::Result;

use crate::{cmd, setup, ui};

/// The keyring round trip that the plain test run ignores.
pub fn keyring_test() -> Command {
    desktop_session(
        &format!(
            "test -p parlor --lib {} -- --ignored --exact secrets::tests::secret_service_round_trip",
            cmd::locked().join(" ")
        ),
        false,
    )
}

/// The app driven over WebDriver under Xvfb (builds the app binary first).
pub fn app_test() -> Command {
    desktop_session(
        &format!(
            "test -p parlor --test e2e {} -- --ignored --nocapture",
            cmd::locked().join(" ")
        ),
        true,
    )
}

/// `cargo <cargo_args>` in a private D-Bus session with a fresh HOME and an
/// unlocked gnome-keyring, as on a desktop; with `display`, inside Xvfb
/// (outside the bus, so that the portals see DISPLAY). rustup's and cargo's
/// paths are pinned first, because they default to HOME.
fn desktop_session(cargo_args: &str, display: bool) -> Command {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".to_owned());
    let rustup_home = std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup"));
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let script = format!(
        "export HOME=\"$(mktemp -d)\"; \
         eval \"$(printf parlor | gnome-keyring-daemon --unlock --components=secrets)\"; \
         exec \"$CARGO_BIN\" {cargo_args}"
    );
    let mut command = if display {
        let mut xvfb = Command::new("xvfb-run");
        xvfb.args(["-a", "-s", "-screen 0 1280x800x24", "dbus-run-session"]);
        xvfb
    } else {
        Command::new("dbus-run-session")
    };
    command
        .current_dir(cmd::workspace_root())
        .env("RUSTUP_HOME", rustup_home)
        .env("CARGO_HOME", cargo_home)
        .env("CARGO_BIN", cargo)
        .env("NO_AT_BRIDGE", "1")
        .args(["--", "sh", "-c", &script]);
    command
}

/// `cargo xtask e2e`.
pub fn run() -> Result<()> {
    setup::ensure()?;
    ui::build()?;
    cmd::run(&mut app_test())
}
