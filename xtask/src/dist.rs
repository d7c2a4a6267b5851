//! `cargo xtask dist [--check]`: what people and admins install, built into
//! `target/dist/` with a `SHA256SUMS` file:
//! - `parlor_<version>_amd64.deb`: the desktop app with its menu entry and icons;
//! - `share-server_<version>_amd64.deb`: the server as a systemd service, its
//!   system user, `/etc/share-server/config.toml` and its man pages;
//! - `share-server-<version>-x86_64-linux-musl`: one static binary.
//!
//! Each release binary is built once; cargo-deb packages it (`--no-build`,
//! metadata in each crate's `[package.metadata.deb]`) with `Depends` found
//! from the binary by dpkg-shlibdeps, and `--check` tests the same files.
//! The app is built with `tauri/custom-protocol`, Tauri's production mode:
//! without it the app serves its embedded UI without the CSP from
//! `tauri.conf.json` (dev mode applies `devCsp`, which is unset).

mod check;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::setup::MUSL_TARGET;
use crate::{cmd, setup, ui};

/// Every crate takes the workspace's version, xtask too.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// share-server's man pages: the page, the `--help` it is made from, and
/// its one-line description.
const MAN_PAGES: [(&str, &str, &str); 4] = [
    ("share-server", "--help", "Parlor's share-server"),
    ("share-server-serve", "serve --help", "run Parlor's share-server"),
    ("share-server-user", "user --help", "manage share-server users and tokens"),
    ("share-server-purge", "purge --help", "delete expired shares"),
];

#[derive(clap::Args)]
pub struct Args {
    /// Then test each file on this machine (as root): install, run, upgrade
    /// and remove the packages, and run the static binary
    #[arg(long)]
    check: bool,
}

/// The files `dist` makes.
pub struct Dist {
    pub app_deb: PathBuf,
    pub server_deb: PathBuf,
    pub server_static: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    cmd::step("setup (and cargo-deb, the musl target)", setup::ensure_dist)?;
    cmd::step("ui", ui::build)?;
    let dist = build()?;
    if args.check {
        check::run(&dist)?;
    }
    eprintln!("\ndist: done in {}", cmd::seconds(started.elapsed()));
    Ok(())
}

fn build() -> Result<Dist> {
    let target = cmd::target_dir()?;
    let dir = target.join("dist");
    fs::create_dir_all(&dir)?;
    let dist = Dist {
        app_deb: dir.join(format!("parlor_{VERSION}_amd64.deb")),
        server_deb: dir.join(format!("share-server_{VERSION}_amd64.deb")),
        server_static: dir.join(format!("share-server-{VERSION}-x86_64-linux-musl")),
    };
    let app = ["-p", "parlor", "--features", "tauri/custom-protocol"];
    cmd::step("the desktop app (release, production mode)", || {
        release(&app)
    })?;
    cmd::step("share-server (release)", || release(&["-p", "share-server"]))?;
    cmd::step("share-server (release, static: musl)", || {
        release(&["-p", "share-server", "--target", MUSL_TARGET])
    })?;
    cmd::step("man pages from share-server's --help", || {
        man_pages(&target.join("release"))
    })?;
    cmd::step("the packages (cargo-deb)", || {
        deb("parlor", &dist.app_deb, &[])?;
        deb("share-server", &dist.server_deb, &[])
    })?;
    let built = target.join(MUSL_TARGET).join("release/share-server");
    fs::copy(&built, &dist.server_static).with_context(|| format!("copying {}", built.display()))?;
    // As cargo-deb does for the packaged binaries: no symbol table.
    cmd::run(Command::new("strip").arg(&dist.server_static))?;

    let files = [&dist.app_deb, &dist.server_deb, &dist.server_static];
    let names: Vec<_> = files.iter().filter_map(|file| file.file_name()).collect();
    let sums = cmd::output(Command::new("sha256sum").current_dir(&dir).args(&names))?;
    fs::write(dir.join("SHA256SUMS"), &sums)?;
    eprintln!("\n{}:", dir.display());
    for file in files {
        let size = fs::metadata(file)?.len() as f64 / (1024.0 * 1024.0);
        eprintln!("  {size:>6.1} MiB  {}", file.display());
    }
    Ok(dist)
}

/// `cargo build --release` with `args`.
fn release(args: &[&str]) -> Result<()> {
    let mut command = cmd::cargo(["build", "--release"]);
    cmd::run(command.args(cmd::locked()).args(args))
}

/// Packages `package`'s release build with its `[package.metadata.deb]`
/// into `out`; `extra` goes to cargo-deb.
fn deb(package: &str, out: &Path, extra: &[&str]) -> Result<()> {
    let mut command = cmd::cargo(["deb", "--no-build", "-p", package, "--output"]);
    cmd::run(command.arg(out).args(extra))
}

/// help2man over each of [`MAN_PAGES`], gzipped into `release/man`, where
/// the share-server package's assets take them from.
fn man_pages(release: &Path) -> Result<()> {
    let dir = release.join("man");
    fs::create_dir_all(&dir)?;
    for (page, help, name) in MAN_PAGES {
        let out = dir.join(format!("{page}.1"));
        cmd::run(
            Command::new("help2man")
                .args(["--no-info", "--version-option=--version", "--name", name])
                .arg(format!("--help-option={help}"))
                .arg("--output")
                .arg(&out)
                .arg(release.join("share-server")),
        )?;
        cmd::run(Command::new("gzip").arg("-9nf").arg(&out))?;
    }
    Ok(())
}
