//! Tests that need a desktop: a D-Bus session with an unlocked gnome-keyring
//! (the real Secret Service) and, for the app, an X display (Xvfb).
//!
//! `cargo xtask e2e [FILTER]`: the real app end to end (`tests/e2e_app.rs`
//! and `tests/e2e/`), alone, or only the stories whose name contains FILTER.

use std::process::Command;

use anyhow::Result;

use crate::{cmd, setup, ui};

/// Both desktop tests build as the workspace's test run does (every member,
/// all features), so after it they compile nothing; with `-p parlor` alone
/// cargo would build share-server and chat-core a second time with other
/// features.
const BUILD: &str = "test --workspace --all-features";

/// The keyring round trip that the plain test run ignores (the other
/// members' libraries run no test for this exact name).
pub fn keyring_test() -> Command {
    let only = "--ignored --exact secrets::tests::secret_service_round_trip";
    cargo_session(&format!("{BUILD} --lib"), only, false)
}

/// The app driven over WebDriver under Xvfb (builds the app binary first):
/// every story, or those whose test name contains `filter`.
pub fn app_test(filter: Option<&str>) -> Command {
    let filter = filter
        .and_then(|f| shlex::try_quote(f).ok())
        .unwrap_or_default();
    let test_args = format!("--ignored --nocapture {filter}");
    cargo_session(&format!("{BUILD} --test e2e"), &test_args, true)
}

/// `cargo <args> [--locked] -- <test_args>` in a [`desktop_session`] with a
/// fresh HOME. rustup's and cargo's paths are pinned first, because they
/// default to HOME.
fn cargo_session(args: &str, test_args: &str, display: bool) -> Command {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".to_owned());
    let rustup_home = std::env::var("RUSTUP_HOME").unwrap_or_else(|_| format!("{home}/.rustup"));
    let cargo_home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{home}/.cargo"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let locked = cmd::locked().join(" ");
    let line = format!("\"$CARGO_BIN\" {args} {locked} -- {test_args}");
    let mut command = desktop_session(display, true, &line);
    command
        .env("RUSTUP_HOME", rustup_home)
        .env("CARGO_HOME", cargo_home)
        .env("CARGO_BIN", cargo);
    command
}

/// `command_line` (run by `sh`) in a private D-Bus session with an unlocked
/// gnome-keyring, as on a desktop, in a fresh temporary HOME when
/// `fresh_home`; with `display`, inside Xvfb (outside the bus, so that the
/// portals see DISPLAY).
pub fn desktop_session(display: bool, fresh_home: bool, command_line: &str) -> Command {
    let home = if fresh_home {
        "export HOME=\"$(mktemp -d)\"; "
    } else {
        ""
    };
    let script = format!(
        "{home}eval \"$(printf parlor | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null; \
         exec {command_line}"
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
        .env("NO_AT_BRIDGE", "1")
        .args(["--", "sh", "-c", &script]);
    command
}

/// `cargo xtask e2e [FILTER]`.
pub fn run(filter: Option<&str>) -> Result<()> {
    setup::ensure()?;
    ui::build()?;
    cmd::run(&mut app_test(filter))
}
