//! `cargo xtask dist [--check]`: the app's and the share-server's `.deb` and
//! a static share-server in `target/dist/`. Each release binary is built
//! once, packaged by cargo-deb (`[package.metadata.deb]`; `Depends` from
//! dpkg-shlibdeps) and tested by `--check`. The app is built in Tauri's
//! production mode (as `tauri build` does): it never loads a `devUrl`.
//!
//! `--check` tests each file as its users meet it, on this machine, as root
//! (dpkg installs system-wide). With no systemd running, the unit is checked
//! by `systemd-analyze verify` and its `ExecStart` run as its `User`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail, ensure};
use chrono::Utc;
use rusqlite::{Connection, OpenFlags};

use crate::setup::MUSL_TARGET;
use crate::support::procs::{ShareServer, Supervised, add_user, http_status, token_of};
use crate::support::webdriver::{Driver, WEBKIT_WEBDRIVER, app_env, caught, find, free_port};
use crate::support::{self, fixture, publish, webdriver::wait_for_exit};
use crate::{cmd, e2e, setup, ui};

/// Every crate takes the workspace's version, xtask too.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The files: the app's package, the server's package, the static server.
type Dist = [PathBuf; 3];

/// Builds the files; with `check`, tests them.
pub fn run(check: bool) -> Result<()> {
    cmd::step("dist", || {
        setup::ensure_dist()?;
        ui::build()?;
        let dist = build()?;
        if check { run_checks(&dist) } else { Ok(()) }
    })
}

fn build() -> Result<Dist> {
    let target = cmd::target_dir()?;
    let dir = target.join("dist");
    fs::create_dir_all(&dir)?;
    let names = [
        format!("parlor_{VERSION}_amd64.deb"),
        format!("share-server_{VERSION}_amd64.deb"),
        format!("share-server-{VERSION}-x86_64-linux-musl"),
    ];
    let musl = format!("-p share-server --target {MUSL_TARGET}");
    let app = "-p parlor --features tauri/custom-protocol";
    for args in [app, "-p share-server", &musl] {
        let mut build = cmd::cargo(["build", "--release"]);
        let build = build.args(cmd::locked()).args(args.split(' '));
        cmd::step(&format!("build {args}"), || cmd::run(build))?;
    }
    let dist = names.clone().map(|name| dir.join(name));
    man_pages(&target.join("release"))?;
    deb("parlor", &dist[0], "")?;
    deb("share-server", &dist[1], "")?;
    let built = target.join(MUSL_TARGET).join("release/share-server");
    fs::copy(built, &dist[2])?;
    // No symbol table, as cargo-deb strips the packaged binaries.
    cmd::run(Command::new("strip").arg(&dist[2]))?;

    let sums = cmd::output(Command::new("sha256sum").current_dir(&dir).args(&names))?;
    fs::write(dir.join("SHA256SUMS"), &sums)?;
    let mut du = Command::new("du");
    cmd::run(du.args(["-h", "--apparent-size"]).args(&dist))?;
    Ok(dist)
}

/// Packages `package`'s release build into `out`; `extra` goes to cargo-deb.
fn deb(package: &str, out: &Path, extra: &str) -> Result<()> {
    let mut command = cmd::cargo(["deb", "--no-build", "-p", package, "--output"]);
    cmd::run(command.arg(out).args(extra.split_whitespace()))
}

/// Man pages from the `--help` of share-server and of each of its commands
/// (help2man), gzipped into `release/man`, where the package takes them.
fn man_pages(release: &Path) -> Result<()> {
    fs::create_dir_all(release.join("man"))?;
    for command in ["", "serve", "user", "purge"] {
        let page = ["share-server", command].join("-");
        let page = release.join(format!("man/{}.1", page.trim_end_matches('-')));
        let mut help2man = Command::new("help2man");
        help2man
            .args(["-N", "--version-option=--version", "-o"])
            .arg(&page);
        help2man.arg("--name=Parlor's share-server");
        let help = format!("--help-option={command} --help");
        cmd::run(help2man.arg(help).arg(release.join("share-server")))?;
        cmd::run(Command::new("gzip").arg("-9nf").arg(&page))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- --check

const UNIT: &str = "/usr/lib/systemd/system/share-server.service";
const CONFIG: &str = "/etc/share-server/config.toml";
const APP: &str = "/usr/bin/parlor";
/// The app's CSP (`script-src` without `'unsafe-eval'`) refuses `eval`.
const TRY_EVAL: &str = "try { eval('1'); return 'ran'; } catch (e) { return e.name; }";

/// Purges what an interrupted check left, then checks each file.
fn run_checks(dist: &Dist) -> Result<()> {
    dpkg(&["--purge", "share-server", "parlor"])?;
    cmd::step("check the static binary", || static_binary(dist))?;
    cmd::step("check the server package", || server_package(dist))?;
    cmd::step("check the app package", || app_package(dist))
}

fn dpkg(args: &[&str]) -> Result<()> {
    let mut dpkg = Command::new("dpkg");
    cmd::run(dpkg.args(args).stdin(Stdio::null()))
}

/// No dynamic dependencies; a user added, a share published and read.
fn static_binary(dist: &Dist) -> Result<()> {
    let binary = &dist[2];
    let ldd = Command::new("ldd").arg(binary).output()?;
    let said = String::from_utf8_lossy(&[ldd.stdout, ldd.stderr].concat()).into_owned();
    let fixed = said.contains("statically linked") || said.contains("not a dynamic");
    ensure!(fixed, "ldd: {said}");
    let work = tempfile::tempdir()?;
    let database_url = format!("sqlite://{}", work.path().join("shares.db").display());
    let token = add_user(binary, &database_url, "dist-check")?;
    let server = ShareServer::share_server(binary, &database_url, &work.path().join("log"))?;
    publish_and_read(server.port, &token).map(drop)
}

/// The admin edits the config (another port) and adds a user; a share; a
/// newer build keeps it and the edit; removed, it keeps the database.
fn server_package(dist: &Dist) -> Result<()> {
    dpkg(&["--install", &dist[1].display().to_string()])?;
    cmd::run(Command::new("systemd-analyze").args(["verify", UNIT]))?;
    let port = free_port();
    let config = fs::read_to_string(CONFIG)?;
    let edited = config.replace("1:8080\"\n", &format!("1:{port}\"\n"));
    ensure!(edited != config, "no port 8080 to edit in {CONFIG}");
    fs::write(CONFIG, &edited)?;
    // A new name: a database kept from an earlier check has its users.
    let user = format!("check-{}", Utc::now().timestamp());
    let add = format!("-u share-server -- share-server user add {user} --config {CONFIG}");
    let token = token_of(Command::new("runuser").args(add.split(' ')))?;
    let id = start_unit(port).and_then(|_server| publish_and_read(port, &token))?;

    let newer = tempfile::tempdir()?;
    let newer_deb = newer.path().join("share-server.deb");
    deb("share-server", &newer_deb, "--deb-revision 2 --fast")?;
    dpkg(&["--install", &newer_deb.display().to_string()])?;
    let query = ["-Wf${Version}", "share-server"];
    let version = cmd::output(Command::new("dpkg-query").args(query))?;
    ensure!(version == format!("{VERSION}-2"), "not upgraded: {version}");
    ensure!(fs::read_to_string(CONFIG)? == edited, "the edit is lost");
    let read_again = |_server| read(port, &id).context("after the upgrade");
    start_unit(port).and_then(read_again)?;

    dpkg(&["--remove", "share-server"])?;
    ensure!(!Path::new("/usr/bin/share-server").exists(), "still there");
    let database = Path::new("/var/lib/share-server/shares.db");
    ensure!(database.is_file(), "dpkg -r removed the database");
    dpkg(&["--purge", "share-server"])
}

/// The unit's `ExecStart` as its `User` in its `WorkingDirectory`, ready.
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
    read(port, &id).map(|()| id)
}

/// The share's record and its page answer 200.
fn read(port: u16, id: &str) -> Result<()> {
    for path in ["/api/v0/shared-chats/", "/shared/"].map(|path| format!("{path}{id}")) {
        let status = http_status(port, &path)?;
        ensure!(status == 200, "GET {path} answered {status}");
    }
    Ok(())
}

/// A valid menu entry, an icon, [`run_app`]; removed, it keeps the data.
fn app_package(dist: &Dist) -> Result<()> {
    dpkg(&["--install", &dist[0].display().to_string()])?;
    let entry = "/usr/share/applications/parlor.desktop";
    cmd::run(Command::new("desktop-file-validate").arg(entry))?;
    let icon = "/usr/share/icons/hicolor/128x128/apps/parlor.png";
    ensure!(Path::new(icon).is_file(), "no {icon}");
    let home = tempfile::tempdir()?;
    let outcome = support::runtime(2)?.block_on(caught(run_app(home.path())));
    outcome.map_err(anyhow::Error::msg)??;
    dpkg(&["--remove", "parlor"])?;
    ensure!(!Path::new(APP).exists(), "dpkg -r left {APP}");
    let data = home.path().join("data/dev.parlor.app/parlor.db");
    ensure!(data.is_file(), "dpkg -r removed the user's data");
    Ok(())
}

/// `/usr/bin/parlor` (HOME in `home`) under Xvfb and WebKitWebDriver: the
/// embedded UI under the CSP, and the embedded share-server.
async fn run_app(home: &Path) -> Result<()> {
    let port = free_port();
    let display = std::env::var_os("DISPLAY").is_none();
    let line = format!("{WEBKIT_WEBDRIVER} --port={port}");
    let mut command = e2e::desktop_session(display, false, &line);
    command.envs(app_env(home));
    command.env("TAURI_WEBVIEW_AUTOMATION", "true");
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let driver = Driver::spawn(command, port).await;
    let app = driver.app(Path::new(APP)).await;
    find(&app, "#new-session").await;
    ensure!(app.title().await? == "Parlor", "not Parlor's window");
    let url = app.current_url().await?;
    ensure!(url.scheme() == "tauri", "the UI comes from {url}");
    let eval = app.execute(TRY_EVAL, vec![]).await?;
    ensure!(eval.as_str() == Some("EvalError"), "eval: {eval}: no CSP");
    let port = embedded_port(&home.join("data/dev.parlor.app/parlor.db")).await?;
    let status = http_status(port, "/api/v0/info")?;
    ensure!(status == 200, "the embedded share-server: {status}");
    eprintln!("app: its UI from {url} under its CSP; its share-server on port {port}");
    app.close().await?;
    drop(driver);
    wait_for_exit(Path::new(APP)).await;
    Ok(())
}

/// The embedded share-server's port, in the app's settings once it listens.
async fn embedded_port(database: &Path) -> Result<u16> {
    let sql = "SELECT value FROM settings WHERE key = 'embeddedPort'";
    for _ in 0..150 {
        let db = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY);
        if let Ok(port) = db.and_then(|db| db.query_row(sql, [], |row| row.get::<_, String>(0))) {
            return Ok(port.parse()?);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    bail!("no embedded share-server port in the app's settings after 30 s")
}
