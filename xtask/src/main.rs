//! Parlor's build orchestration: `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! One place for what would otherwise be shell scripts: installing the system
//! packages and the wasm target, building the Yew UI without trunk, running
//! Parlor, and running every check CI runs. Progress goes to stderr.

mod bench;
mod cmd;
mod e2e;
mod harden;
mod run;
mod setup;
mod test;
mod ui;

use std::process::ExitCode;

use anyhow::{Result, bail};

const USAGE: &str = "\
usage: cargo xtask <command> [-- <args>]

commands:
  setup   install what is missing: system packages (apt), the wasm32 target, rustfmt, clippy
  ui      build the Yew UI into ui/dist (wasm + wasm-bindgen JS + index.html + CSS)
  run     build and run Parlor: the desktop app with its embedded share-server;
          arguments after `--` go to the app
  serve   build and run the share-server alone on a local SQLite database;
          arguments after `--` go to `share-server serve`
  test    everything CI checks: fmt, clippy, the wasm build, the whole test suite,
          the keyring and the app end to end under Xvfb, a short schemathesis run
  e2e     only the app end to end under Xvfb (WebKitWebDriver, Chromium, xclip)
  harden  crash durability (kill -9 under load), 256-connection load with aborting
          clients, API conformance (schemathesis) and fuzzing;
          --quick for short runs, `cargo xtask harden --help` for the parts
  bench   measure the share-server against nginx and the targets of issue 7; write BENCHMARKS.md (--quick, --keep)

`ui`, `run`, `serve`, `test` and `e2e` run `setup` first. With CI=true cargo runs with --locked.";

fn main() -> ExitCode {
    match dispatch() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let no_extra_args = |name: &str| -> Result<()> {
        if rest.is_empty() {
            Ok(())
        } else {
            bail!("`cargo xtask {name}` takes no arguments (got {rest:?})\n\n{USAGE}")
        }
    };
    match command.as_deref() {
        Some("setup") => {
            no_extra_args("setup")?;
            setup::ensure()
        }
        Some("ui") => {
            no_extra_args("ui")?;
            setup::ensure()?;
            ui::build()
        }
        Some("run") => run::app(passthrough(&rest)?),
        Some("serve") => run::serve(passthrough(&rest)?),
        Some("test") => {
            no_extra_args("test")?;
            test::run()
        }
        Some("e2e") => {
            no_extra_args("e2e")?;
            e2e::run()
        }
        Some("bench") => bench::run(&rest),
        Some("harden") => harden::run(&rest),
        Some("help" | "-h" | "--help") | None => {
            eprintln!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Arguments meant for the program `run` starts: everything after `--`
/// (cargo's alias passes `--` through, so `cargo xtask run -- --bind …` works).
fn passthrough(rest: &[String]) -> Result<&[String]> {
    match rest.split_first() {
        None => Ok(rest),
        Some((first, after)) if first == "--" => Ok(after),
        Some(_) => bail!(
            "pass arguments for the program after `--`, e.g. `cargo xtask serve -- --bind 127.0.0.1:9000`"
        ),
    }
}
