//! The `share-server` binary as the tests run it: a clean environment, a
//! `serve` started and waited for, `user add` and what it prints.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, Command};

/// A release build of the binary to run instead (the long runs set it).
pub const BIN_VARIABLE: &str = "PARLOR_SHARE_SERVER_BIN";

/// How long a `serve` may take to say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// `share-server` run in `dir`, without the test's `RUST_LOG` or any
/// `SHARE_SERVER_*` variable; killed when dropped.
pub fn command(dir: &Path) -> Command {
    let bin =
        std::env::var_os(BIN_VARIABLE).unwrap_or_else(|| env!("CARGO_BIN_EXE_share-server").into());
    let mut command = Command::new(bin);
    command
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("SHARE_SERVER_") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `command` to its end.
pub async fn run(command: &mut Command) -> Output {
    command.output().await.unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The last line of stdout: where `user add` prints the token.
pub fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap().trim().to_owned()
}

/// `user add NAME --database-url URL` in `dir`, which must succeed; the
/// output (the token is its [`last_line`]).
pub async fn add_user(dir: &Path, name: &str, database_url: &str) -> Output {
    let output =
        run(command(dir).args(["user", "add", name, "--database-url", database_url])).await;
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

/// A `serve` that said where it listens.
pub struct Serving {
    pub child: Child,
    /// The rest of its log.
    pub lines: Lines<BufReader<ChildStderr>>,
    /// Its log up to the line that said where it listens.
    pub log: Vec<String>,
    /// Where it listens, as `address_of` read it.
    pub address: String,
}

/// Starts `command` (a `serve` whose stderr is piped) and reads its log
/// until `address_of` finds where it listens in a line.
pub async fn start(command: &mut Command, address_of: impl Fn(&str) -> Option<String>) -> Serving {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut log = Vec::new();
    let address = tokio::time::timeout(START_TIMEOUT, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let address = address_of(&line);
            log.push(line);
            if let Some(address) = address {
                return address;
            }
        }
        panic!("share-server exited at start: {log:#?}");
    })
    .await
    .expect("share-server did not say where it listens within 30 s");
    Serving {
        child,
        lines,
        log,
        address,
    }
}

/// The base URL in a text log line `… listening on http://…`.
pub fn text_log_address(line: &str) -> Option<String> {
    let (_, rest) = line.split_once("listening on ")?;
    Some(rest.split_whitespace().next()?.to_owned())
}
