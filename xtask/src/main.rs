//! Parlor's build orchestration: `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! One place for what would otherwise be shell scripts: installing the system
//! packages and the wasm target, building the Yew UI without trunk, running
//! Parlor, and running every check CI runs. Progress goes to stderr.

mod bench;
mod cmd;
mod dist;
mod e2e;
mod harden;
mod run;
mod setup;
mod support;
mod test;
mod ui;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Parlor's build orchestration. `ui`, `run`, `serve`, `test` and `e2e` run
/// `setup` first. With CI=true cargo runs with --locked.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing: system packages (apt), the wasm32 target, rustfmt, clippy
    Setup,
    /// Build the Yew UI into ui/dist (wasm + wasm-bindgen JS + index.html + CSS)
    Ui,
    /// Build and run Parlor: the desktop app with its embedded share-server;
    /// arguments after `--` go to the app
    Run {
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Build and run the share-server alone on a local SQLite database;
    /// arguments after `--` go to `share-server serve`
    Serve {
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Everything CI checks: fmt, clippy, the wasm build, the whole test suite,
    /// the keyring and the app end to end under Xvfb, a short schemathesis run
    Test,
    /// Only the app end to end under Xvfb (WebKitWebDriver, Chromium, xclip)
    E2e {
        /// Only the stories whose test name contains this
        filter: Option<String>,
    },
    /// Crash durability (kill -9 under load), 256-connection load with aborting
    /// clients, API conformance (schemathesis) and fuzzing
    Harden(harden::Args),
    /// Build the packages into target/dist/: the app's and the share-server's
    /// .deb and a static share-server binary, with SHA256SUMS
    Dist {
        /// Then install, run, upgrade and remove each file on this machine (as root)
        #[arg(long)]
        check: bool,
    },
    /// Measure the share-server against nginx and the desktop app; write BENCHMARKS.md
    Bench(bench::Args),
}

/// An error ends the run with its chain of causes (anyhow's report) and
/// exit status 1.
fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Setup => setup::ensure(),
        Command::Ui => {
            setup::ensure()?;
            ui::build()
        }
        Command::Run { args } => run::app(&args),
        Command::Serve { args } => run::serve(&args),
        Command::Test => test::run(),
        Command::E2e { filter } => e2e::run(filter.as_deref()),
        Command::Dist { check } => dist::run(check),
        Command::Bench(args) => bench::run(args),
        Command::Harden(args) => harden::run(args),
    }
}
