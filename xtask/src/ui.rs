//! `cargo xtask ui`: the Yew UI built into `ui/dist` without trunk.
//!
//! 1. cargo builds the `ui` crate for wasm32 with the `wasm-release` profile
//!    (`.cargo/config.toml`), so host release builds keep their own settings;
//! 2. wasm-bindgen (in-process, the exact version of the `wasm-bindgen` crate)
//!    generates the JS glue for `--target web`;
//! 3. `index.html`, its boot module and the stylesheets are added.
//!
//! Files in `ui/dist` are rewritten only when their content changes: the
//! desktop app's build script watches that folder, and a needless new mtime
//! would rebuild the app.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;
use wasm_bindgen_cli_support::Bindgen;

use crate::cmd;
use crate::setup::WASM_TARGET;

const PROFILE: &str = "wasm-release";
/// The crate's binary name; wasm-bindgen names its outputs after it.
const UI_BIN: &str = "ui";

/// The page the webview loads (no inline script, so a strict CSP,
/// `script-src 'self' 'wasm-unsafe-eval'`, needs no hashes), and its boot
/// module: it loads the wasm module, whose start function mounts the app,
/// and says so in the window when that fails instead of leaving it blank.
const INDEX_HTML: &str = include_str!("ui/index.html");
const INDEX_JS: &str = include_str!("ui/index.js");

pub fn build() -> Result<()> {
    let root = cmd::workspace_root();
    cmd::step("ui: cargo build (wasm32, wasm-release)", || {
        let args = format!("build -p ui --target {WASM_TARGET} --profile {PROFILE}");
        let mut build = cmd::cargo(args.split_whitespace());
        build.args(cmd::locked());
        cmd::run(&mut build)
    })?;

    let target_dir = cmd::target_dir()?;
    let wasm = target_dir.join(format!("{WASM_TARGET}/{PROFILE}/{UI_BIN}.wasm"));
    let bindgen_dir = target_dir.join("ui-bindgen");
    cmd::step("ui: wasm-bindgen", || bindgen(&wasm, &bindgen_dir))?;

    let dist = root.join("ui/dist");
    let mut files = read_tree(&bindgen_dir)?;
    files.remove(Path::new(STAMP));
    files.insert("index.html".into(), INDEX_HTML.into());
    files.insert("index.js".into(), INDEX_JS.into());
    files.insert("chat.css".into(), chat_core::style::APP_STYLESHEET.into());
    // app.css's parts, the files in ui/styles, in name order and blank-line apart.
    let app_css: Vec<_> = read_tree(&root.join("ui/styles"))?.into_values().collect();
    files.insert("app.css".into(), app_css.join(&b'\n'));
    let changed = sync_dir(&dist, &files)?;

    let wasm_out = format!("{UI_BIN}_bg.wasm");
    let size = fs::metadata(dist.join(&wasm_out)).map_or(0, |meta| meta.len());
    let (count, kib) = (files.len(), size as f64 / 1024.0);
    eprintln!("ui: ui/dist ({count} files, {changed} changed; {wasm_out} is {kib:.0} KiB)");
    Ok(())
}

/// Records which wasm file the bindgen output was made from.
const STAMP: &str = ".input-stamp";

/// Runs wasm-bindgen into `out_dir` unless it already ran on this exact wasm file.
fn bindgen(wasm: &Path, out_dir: &Path) -> Result<()> {
    let meta = fs::metadata(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let stamp = format!(
        "{} {} {:?}\n",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        meta.modified()?
    );
    if fs::read_to_string(out_dir.join(STAMP)).is_ok_and(|old| old == stamp) {
        eprintln!("unchanged wasm, keeping {}", out_dir.display());
        return Ok(());
    }
    if out_dir.exists() {
        fs::remove_dir_all(out_dir).with_context(|| format!("removing {}", out_dir.display()))?;
    }
    Bindgen::new()
        .input_path(wasm)
        .web(true)?
        // Without the default path `init()` needs an explicit URL and a missing
        // one leaves the window blank.
        .omit_default_module_path(false)
        // The `name` section (function names for stack traces) is about
        // 360 KB of the bundle and nothing the webview needs.
        .remove_name_section(true)
        .generate(out_dir)
        .with_context(|| format!("wasm-bindgen on {}", wasm.display()))?;
    fs::write(out_dir.join(STAMP), stamp)?;
    Ok(())
}

/// Every file under `dir`, keyed by its path relative to `dir`.
fn read_tree(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for entry in WalkDir::new(dir) {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            let relative = entry.path().strip_prefix(dir)?.to_path_buf();
            files.insert(relative, fs::read(entry.path())?);
        }
    }
    Ok(files)
}

/// Makes `dir` hold exactly `files`: writes only what differs, removes the rest.
/// Returns how many files were written or removed.
fn sync_dir(dir: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> Result<usize> {
    let mut changed = 0;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let existing = read_tree(dir)?;
    for stale in existing.keys().filter(|path| !files.contains_key(*path)) {
        fs::remove_file(dir.join(stale))?;
        changed += 1;
    }
    for (relative, content) in files {
        if existing.get(relative) == Some(content) {
            continue;
        }
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, content).with_context(|| format!("writing {}", path.display()))?;
        changed += 1;
    }
    Ok(changed)
}
