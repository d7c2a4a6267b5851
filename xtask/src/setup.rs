//! `cargo xtask setup`: the system packages and the Rust target Parlor needs.
//!
//! Idempotent and fast when everything is present (one `dpkg-query`, one
//! `rustc --print sysroot`); installs only what is missing: apt packages, and
//! with rustup the wasm target and the rustfmt and clippy components.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::cmd;

/// A group of Debian/Ubuntu packages: why Parlor needs them, their names,
/// and a check that skips the group when the software is there under another
/// package name.
type AptGroup = (&'static str, &'static str, Option<fn() -> bool>);

/// Every system package Parlor's build, run and test need — the one list.
///
/// No `libssl-dev`: nothing links OpenSSL (reqwest uses rustls with ring,
/// SQLite is bundled), so `cargo tree -i openssl-sys` is empty. A C compiler
/// and linker are assumed: xtask itself could not have been built without them.
const APT_GROUPS: &[AptGroup] = &[
    // The desktop app: Tauri 2 on Linux links WebKitGTK 4.1 and friends
    // (found through pkg-config by the -sys crates).
    (
        "desktop app build",
        "pkg-config libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev",
        None,
    ),
    // Driving the real app headless: WebDriver for WebKitGTK, a virtual X
    // display, a session bus with an unlocked keyring, clipboard and input tools.
    (
        "desktop app end-to-end tests",
        "webkit2gtk-driver xvfb xauth dbus-x11 gnome-keyring xclip xdotool",
        None,
    ),
    // The public share page, read by a real browser over WebDriver.
    (
        "browser tests of the public page",
        "chromium chromium-driver",
        None,
    ),
    // "Share on my network": a second host in a network namespace with a
    // veth pair, fetching the share page over it; QR codes decoded from
    // screenshots of the Share dialog.
    ("network and QR tests", "iproute2 curl zbar-tools", None),
    // `import -window root` inside xvfb for README screenshots.
    ("screenshots", "imagemagick", None),
    // Load tests of the share-server (wrk), nginx serving static files as
    // the reference.
    ("benchmarks", "wrk nginx", None),
    // The share-server's PostgreSQL store is tested against a throwaway cluster.
    (
        "PostgreSQL store tests",
        "postgresql",
        Some(postgres_installed),
    ),
    // `cargo xtask dist`: musl-gcc (ring's and SQLite's C), man pages, Depends
    // (dpkg-shlibdeps), checks of the menu entry and unit (systemd-analyze).
    (
        "packages (cargo xtask dist)",
        "musl-tools help2man dpkg-dev desktop-file-utils systemd",
        None,
    ),
    // API conformance: schemathesis (PyPI) in a virtual environment.
    (
        "API conformance tests",
        "python3-venv",
        Some(python_venv_works),
    ),
];

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The static share-server's target.
pub const MUSL_TARGET: &str = "x86_64-unknown-linux-musl";
/// cargo-deb, which makes both packages, pinned (~2.5 min to install).
const CARGO_DEB: &str = "cargo-deb@3.8.0";

/// Installs whatever is missing; prints one line when nothing is.
pub fn ensure() -> Result<()> {
    let missing = missing_packages()?;
    if !missing.is_empty() {
        install(&missing)?;
    }
    let rust_added = ensure_rust_parts()?;
    if missing.is_empty() && !rust_added {
        eprintln!(
            "setup: system packages, the {WASM_TARGET} target, rustfmt and clippy are present"
        );
    }
    Ok(())
}

/// [`ensure`], the musl target (rustup adds it once) and cargo-deb.
pub fn ensure_dist() -> Result<()> {
    ensure()?;
    rustup(&["target", "add", MUSL_TARGET])?;
    let version = cmd::output(&mut cmd::cargo(["deb", "--version"]));
    if version.is_ok_and(|v| v.trim() == CARGO_DEB.replace('@', " ")) {
        return Ok(());
    }
    cmd::run(&mut cmd::cargo(["install", "--locked", CARGO_DEB]))
}

/// PostgreSQL may come as `postgresql-15` etc. without the `postgresql` meta-package.
fn postgres_installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
        versions
            .flatten()
            .any(|version| version.path().join("bin/initdb").is_file())
    })
}

/// A `python3` with `venv` and `ensurepip` (Debian splits them out; a
/// pyenv or python.org build has them).
fn python_venv_works() -> bool {
    cmd::succeeds(Command::new("python3").args(["-c", "import venv, ensurepip"]))
}

fn wanted_packages() -> Vec<&'static str> {
    APT_GROUPS
        .iter()
        .filter(|(_, _, skip)| !skip.is_some_and(|installed| installed()))
        .flat_map(|(_, packages, _)| packages.split_whitespace())
        .collect()
}

fn missing_packages() -> Result<Vec<&'static str>> {
    let wanted = wanted_packages();
    // Unknown packages make dpkg-query exit non-zero and complain on stderr:
    // they are simply not installed, so only stdout counts.
    let queried = Command::new("dpkg-query")
        .args(["-W", "-f=${Package}\t${Status}\n"])
        .args(&wanted)
        .stderr(Stdio::null())
        .output();
    let out = match queried {
        Ok(out) => out,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "setup: warning: no dpkg-query (not Debian/Ubuntu); install the equivalents of these \
                 packages yourself:\n  {}",
                describe_groups()
            );
            return Ok(Vec::new());
        }
        Err(error) => return Err(error).context("could not run dpkg-query"),
    };
    let listing = String::from_utf8_lossy(&out.stdout);
    let installed: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(_, status)| status.trim() == "install ok installed")
        .map(|(package, _)| package)
        .collect();
    Ok(wanted
        .into_iter()
        .filter(|package| !installed.contains(package))
        .collect())
}

fn describe_groups() -> String {
    APT_GROUPS
        .iter()
        .map(|(purpose, packages, _)| format!("{purpose}: {packages}"))
        .collect::<Vec<_>>()
        .join("\n  ")
}

fn install(missing: &[&str]) -> Result<()> {
    eprintln!("setup: missing system packages: {}", missing.join(" "));
    let as_root = is_root();
    if !as_root && !cmd::on_path("sudo") {
        bail!(
            "missing system packages and no way to install them: not root and no `sudo`.\n\
             As root, run:\n  apt-get update && apt-get install -y --no-install-recommends {}",
            missing.join(" ")
        );
    }
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            Command::new("apt-get")
        } else {
            // sudo may reset the environment; pass the variable as an argument.
            let mut sudo = Command::new("sudo");
            sudo.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"]);
            sudo
        };
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        command
    };
    cmd::run(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y", "--no-install-recommends"]);
    install.args(missing);
    cmd::run(&mut install)
}

fn is_root() -> bool {
    // Linux only, like apt; avoids a libc dependency for geteuid().
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            .is_some_and(|effective| effective == "0")
    })
}

/// Adds, with rustup, what the active toolchain lacks: the wasm target and the
/// rustfmt and clippy components (a `minimal` rustup profile has neither).
/// Returns whether anything had to be added.
fn ensure_rust_parts() -> Result<bool> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let sysroot = cmd::output(
        Command::new(rustc)
            .current_dir(cmd::workspace_root())
            .args(["--print", "sysroot"]),
    )?;
    let sysroot = Path::new(sysroot.trim());
    let mut added = false;

    if !sysroot.join("lib/rustlib").join(WASM_TARGET).is_dir() {
        rustup(&["target", "add", WASM_TARGET])?;
        added = true;
    }
    let missing_components: Vec<&str> = [("rustfmt", "rustfmt"), ("clippy", "cargo-clippy")]
        .into_iter()
        .filter(|(_, binary)| !sysroot.join("bin").join(binary).is_file())
        .map(|(component, _)| component)
        .collect();
    if !missing_components.is_empty() {
        let mut args = vec!["component", "add"];
        args.extend(&missing_components);
        rustup(&args)?;
        added = true;
    }
    Ok(added)
}

fn rustup(args: &[&str]) -> Result<()> {
    let mut rustup = Command::new("rustup");
    cmd::run(rustup.current_dir(cmd::workspace_root()).args(args))
}
