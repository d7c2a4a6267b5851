//! `cargo xtask run`: build the UI and run the desktop app (which starts its
//! embedded share-server itself).
//!
//! `cargo xtask serve`: the share-server alone, as a self-hoster runs it, on a
//! SQLite database in a local data directory, with anonymous sharing allowed.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::{cmd, setup, ui};

const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// WebKitGTK's switch from Skia's GPU painting to its CPU painting.
pub const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Builds the UI and the desktop app and runs it; `extra` goes to the app.
pub fn app(extra: &[String]) -> Result<()> {
    setup::ensure()?;
    ui::build()?;
    let mut command = cmd::cargo(["run", "-p", "parlor"]);
    command.args(cmd::locked()).arg("--").args(extra);
    // Without a GPU (VMs, remote desktops, Xvfb) WebKit's GPU painting runs
    // on Mesa's software GL and holds the page for 100–300 ms at a time
    // while an answer streams; its CPU painting does not (BENCHMARKS.md).
    if std::env::var_os(CPU_RENDERING).is_none() && !has_render_node(Path::new("/dev/dri")) {
        eprintln!(
            "run: no GPU render node in /dev/dri, so WebKit paints on the CPU ({CPU_RENDERING}=1)"
        );
        command.env(CPU_RENDERING, "1");
    }
    cmd::exec(&mut command)
}

/// Whether `dri` (`/dev/dri`) has a DRM render node (`renderD128`…): a GPU
/// that OpenGL can use.
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Builds and runs the share-server alone; `extra` goes to `share-server serve`.
pub fn serve(extra: &[String]) -> Result<()> {
    setup::ensure()?;
    ui::build()?;

    let data_dir = data_dir()?;
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    eprintln!(
        "run: data in {} (set PARLOR_DATA_DIR to change)",
        data_dir.display()
    );

    let mut command = cmd::cargo(["run", "-p", "share-server", "--release"]);
    command
        .args(cmd::locked())
        .args(["--", "serve"])
        .args(extra);
    // Flags after `--` win over these variables, as over any set already.
    for (variable, value) in server_defaults(&data_dir) {
        if std::env::var_os(variable).is_none() {
            command.env(variable, value);
        }
    }
    cmd::exec(&mut command)
}

/// `PARLOR_DATA_DIR`, else `$XDG_DATA_HOME/parlor-dev`, else `~/.local/share/parlor-dev`.
fn data_dir() -> Result<PathBuf> {
    let dir = std::env::var_os("PARLOR_DATA_DIR").map(PathBuf::from);
    let dir = dir.or_else(|| Some(dirs::data_dir()?.join("parlor-dev")));
    dir.context("no data directory: set PARLOR_DATA_DIR (or HOME)")
}

/// The defaults for `share-server serve`, as its variables: a local address
/// (the server derives the public URL from it), a SQLite database in
/// `data_dir`, and publishing without an account (local development).
fn server_defaults(data_dir: &Path) -> [(&'static str, String); 3] {
    let database = format!("sqlite://{}", data_dir.join("shares.db").display());
    [
        ("SHARE_SERVER_BIND", DEFAULT_BIND.to_owned()),
        ("SHARE_SERVER_DATABASE_URL", database),
        ("SHARE_SERVER_ALLOW_ANONYMOUS", "true".to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_local_address_a_sqlite_file_and_anonymous_sharing() {
        let defaults = server_defaults(Path::new("/data"));
        let [bind, database, anonymous] = defaults.map(|(name, value)| format!("{name}={value}"));
        assert_eq!(bind, "SHARE_SERVER_BIND=127.0.0.1:8080");
        assert_eq!(
            database,
            "SHARE_SERVER_DATABASE_URL=sqlite:///data/shares.db"
        );
        assert_eq!(anonymous, "SHARE_SERVER_ALLOW_ANONYMOUS=true");
    }

    #[test]
    fn a_gpu_is_a_render_node_under_dev_dri() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dri.path().join("missing")));
        assert!(!has_render_node(dri.path()));
        std::fs::write(dri.path().join("card0"), "").unwrap();
        assert!(!has_render_node(dri.path()), "a display controller alone");
        std::fs::write(dri.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dri.path()));
    }
}
