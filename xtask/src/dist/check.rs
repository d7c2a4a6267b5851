//! `cargo xtask dist --check`: each file tested as its users meet it, on
//! this machine. dpkg installs system-wide, so this runs as root; these
//! machines run no systemd, so the unit is checked with `systemd-analyze
//! verify` and its `ExecStart` run as its `User`.
//!
//! - the static binary: `ldd` finds no dynamic dependencies; a user, a
//!   share published and read;
//! - the server package: installed; the admin edits the config (another
//!   port) and adds a user; a share published and read; a newer build
//!   installed over it keeps the share and the edit; removed, it keeps the
//!   database (then purged: only the data directory and the user stay);
//! - the app package: installed, with a valid menu entry; `/usr/bin/parlor`
//!   under Xvfb shows its UI from the embedded assets under the CSP, and its
//!   embedded share-server answers; removed, it leaves the user's data.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use chrono::Utc;
use rusqlite::OpenFlags;
use serde_json::json;

use super::{Dist, VERSION, deb};
use crate::support::procs::{ShareServer, Supervised, add_user, http_status, token_of};
use crate::support::webdriver::{
    Driver, WEBKIT_WEBDRIVER, app_env, caught, find, free_port, wait_for_exit,
};
use crate::support::{self, fixture, publish};
use crate::{cmd, e2e};

const UNIT: &str = "/usr/lib/systemd/system/share-server.service";
const CONFIG: &str = "/etc/share-server/config.toml";
const DATABASE: &str = "/var/lib/share-server/shares.db";
const APP: &str = "/usr/bin/parlor";
/// Adds an inline script, which the app's CSP (`script-src 'self'`) blocks.
const INLINE_SCRIPT: &str = "const s = document.createElement('script'); \
    s.textContent = 'window.inlineRan = true'; document.head.append(s); \
    return window.inlineRan === true;";

pub fn run(dist: &Dist) -> Result<()> {
    // Left installed by an interrupted check.
    dpkg(&["--purge", "share-server", "parlor"])?;
    cmd::step("check the static share-server", || {
        static_binary(&dist.server_static)
    })?;
    cmd::step("check the share-server package", || {
        server_package(&dist.server_deb)
    })?;
    cmd::step("check the desktop app package", || app_package(&dist.app_deb))
}

fn dpkg(args: &[&str]) -> Result<()> {
    cmd::run(Command::new("dpkg").args(args).stdin(Stdio::null()))
}

fn install(deb: &Path) -> Result<()> {
    dpkg(&["--install", &deb.display().to_string()])
}

fn static_binary(binary: &Path) -> Result<()> {
    let ldd = Command::new("ldd").arg(binary).output()?;
    let said = String::from_utf8_lossy(&ldd.stdout) + String::from_utf8_lossy(&ldd.stderr);
    eprintln!("ldd: {}", said.trim());
    ensure!(
        said.contains("not a dynamic executable") || said.contains("statically linked"),
        "{} is dynamically linked",
        binary.display()
    );
    let work = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", work.path().join("shares.db").display());
    let token = add_user(binary, &database_url, "dist-check")?;
    let server = ShareServer::share_server(binary, &database_url, &work.path().join("log"))?;
    publish_and_read(server.port, &token).map(drop)
}

fn server_package(package: &Path) -> Result<()> {
    install(package)?;
    cmd::run(Command::new("systemd-analyze").args(["verify", UNIT]))?;
    // The admin's edit: another port (8080 may be taken here).
    let port = free_port();
    let config = fs::read_to_string(CONFIG)?;
    let edited = config.replace(
        "\nbind = \"127.0.0.1:8080\"",
        &format!("\nbind = \"127.0.0.1:{port}\""),
    );
    ensure!(edited != config, "{CONFIG} has no `bind` line to edit");
    fs::write(CONFIG, &edited)?;
    // Named after the run: a database kept from an earlier check has its users.
    let user = format!("dist-check-{}", Utc::now().timestamp());
    let add = ["share-server", "user", "add", &user, "--config", CONFIG];
    let token = token_of(Command::new("runuser").args(["-u", "share-server", "--"]).args(add))?;
    let server = start_unit(port)?;
    let id = publish_and_read(port, &token)?;
    drop(server);

    let newer = tempfile::tempdir()?;
    let newer_deb = newer.path().join("share-server-newer.deb");
    deb("share-server", &newer_deb, &["--deb-revision", "2"])?;
    install(&newer_deb)?;
    let version = cmd::output(Command::new("dpkg-query").args(["-W", "-f=${Version}", "share-server"]))?;
    ensure!(version == format!("{VERSION}-2"), "version {version} after the upgrade");
    ensure!(fs::read_to_string(CONFIG)? == edited, "the upgrade lost the edits in {CONFIG}");
    let server = start_unit(port)?;
    read(port, &id).context("the share published before the upgrade")?;
    drop(server);

    dpkg(&["--remove", "share-server"])?;
    ensure!(!Path::new("/usr/bin/share-server").exists(), "dpkg -r left the binary");
    ensure!(Path::new(DATABASE).is_file(), "dpkg -r removed {DATABASE}");
    dpkg(&["--purge", "share-server"])
}

/// The unit's `ExecStart` as systemd runs it: as its `User`, in its
/// `WorkingDirectory`; ready when `/readyz` answers on `port`.
fn start_unit(port: u16) -> Result<Supervised> {
    let unit = fs::read_to_string(UNIT)?;
    let value = |key: &str| {
        let found = unit.lines().find_map(|line| line.strip_prefix(key));
        found.with_context(|| format!("{UNIT} has no {key}"))
    };
    let exec = shlex::split(value("ExecStart=")?).context("ExecStart does not parse")?;
    let mut command = Command::new("runuser");
    command.args(["-u", value("User=")?, "--"]).args(exec);
    command.current_dir(value("WorkingDirectory=")?);
    let mut server = Supervised::spawn("share-server (the unit's ExecStart)", &mut command)?;
    server.wait_ready(port, "/readyz")?;
    Ok(server)
}

/// Publishes a small chat to the server on `port` and reads it back; its id.
fn publish_and_read(port: u16, token: &str) -> Result<String> {
    let body = serde_json::to_vec(&fixture::small_chat(Utc::now()))?;
    let base = format!("http://127.0.0.1:{port}");
    let id = support::runtime(1)?.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build()?;
        publish::create(&http, &base, token, &body).await
    })?;
    read(port, &id)?;
    Ok(id)
}

/// The share's record and its page answer 200.
fn read(port: u16, id: &str) -> Result<()> {
    for path in [format!("/api/v0/shared-chats/{id}"), format!("/shared/{id}")] {
        let status = http_status(port, &path)?;
        ensure!(status == 200, "GET {path} answered {status}");
    }
    Ok(())
}

fn app_package(package: &Path) -> Result<()> {
    install(package)?;
    let entry = "/usr/share/applications/parlor.desktop";
    cmd::run(Command::new("desktop-file-validate").arg(entry))?;
    let icon = Path::new("/usr/share/icons/hicolor/128x128/apps/parlor.png");
    ensure!(icon.is_file(), "{} is missing", icon.display());
    let home = tempfile::tempdir()?;
    let outcome = support::runtime(2)?.block_on(caught(run_app(home.path())));
    outcome.map_err(anyhow::Error::msg)??;
    dpkg(&["--remove", "parlor"])?;
    ensure!(!Path::new(APP).exists(), "dpkg -r left {APP}");
    let data = home.path().join("data/dev.parlor.app/parlor.db");
    ensure!(data.is_file(), "dpkg -r removed the user's {}", data.display());
    Ok(())
}

/// `/usr/bin/parlor` started by WebKitWebDriver in a desktop session with
/// its HOME in `home`: its UI, its CSP, its embedded share-server.
async fn run_app(home: &Path) -> Result<()> {
    let port = free_port();
    let display = std::env::var_os("DISPLAY").is_none();
    let line = format!("{WEBKIT_WEBDRIVER} --port={port}");
    let mut command = e2e::desktop_session(display, false, &line);
    command.envs(app_env(home)).env("TAURI_WEBVIEW_AUTOMATION", "true");
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let driver = Driver::spawn(command, port).await;
    let app = driver.app(Path::new(APP)).await;
    find(&app, "#new-session").await;
    ensure!(app.title().await? == "Parlor", "the window is not Parlor's");
    let url = app.current_url().await?;
    ensure!(url.scheme() == "tauri", "the UI comes from {url}, not the embedded assets");
    let inline_ran = app.execute(INLINE_SCRIPT, vec![]).await?;
    ensure!(inline_ran == json!(false), "an inline script ran: no CSP (a dev-mode build)");
    let port = embedded_port(&home.join("data/dev.parlor.app/parlor.db")).await?;
    ensure!(http_status(port, "/api/v0/info")? == 200, "the embedded share-server");
    app.close().await?;
    drop(driver);
    wait_for_exit(Path::new(APP)).await;
    Ok(())
}

/// The embedded share-server's port, from the app's settings once it has
/// started.
async fn embedded_port(database: &Path) -> Result<u16> {
    let started = Instant::now();
    let sql = "SELECT value FROM settings WHERE key = 'embeddedPort'";
    loop {
        let connection = rusqlite::Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY);
        let port = connection.and_then(|c| c.query_row(sql, [], |row| row.get::<_, String>(0)));
        if let Ok(port) = port {
            return Ok(port.parse()?);
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("no embedded share-server port in {} after 30 s", database.display());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
