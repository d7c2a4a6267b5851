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
    command.args(cmd::locked()).args(["--", "serve"]);
    command.args(server_args(&data_dir, extra)).args(extra);
    cmd::exec(&mut command)
}

/// `PARLOR_DATA_DIR`, else `$XDG_DATA_HOME/parlor-dev`, else `~/.local/share/parlor-dev`.
fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PARLOR_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let data_home = match std::env::var_os("XDG_DATA_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".local/share"))
            .context("neither PARLOR_DATA_DIR, XDG_DATA_HOME nor HOME is set")?,
    };
    Ok(data_home.join("parlor-dev"))
}

/// The defaults for `share-server serve`, minus any the caller set with a
/// flag or a `SHARE_SERVER_<FLAG>` variable. The server derives the public
/// URL from the address it bound.
fn server_args(data_dir: &Path, extra: &[String]) -> Vec<String> {
    let given = |flag: &str| {
        let variable = format!(
            "SHARE_SERVER_{}",
            flag.trim_start_matches('-')
                .replace('-', "_")
                .to_uppercase()
        );
        std::env::var_os(variable).is_some()
            || extra
                .iter()
                .any(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
    };
    let defaults = [
        ("--bind", Some(DEFAULT_BIND.to_owned())),
        (
            "--database-url",
            Some(format!("sqlite://{}", data_dir.join("shares.db").display())),
        ),
        // Local development: publishing from the app needs no account.
        ("--allow-anonymous", None),
    ];
    let mut args = Vec::new();
    for (flag, value) in defaults {
        if !given(flag) {
            args.push(flag.to_owned());
            args.extend(value);
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn defaults_when_nothing_is_given() {
        let args = server_args(Path::new("/data"), &[]);
        assert_eq!(
            args,
            strings(&[
                "--bind",
                "127.0.0.1:8080",
                "--database-url",
                "sqlite:///data/shares.db",
                "--allow-anonymous",
            ])
        );
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

    #[test]
    fn a_flag_given_by_the_caller_is_not_doubled() {
        let extra = strings(&["--bind=0.0.0.0:9000", "--allow-anonymous", "false"]);
        let args = server_args(Path::new("/data"), &extra);
        assert_eq!(
            args,
            strings(&["--database-url", "sqlite:///data/shares.db"])
        );
    }
}
