//! `cargo xtask harden crash`: crash durability, the long run. It is
//! `share-server/tests/it/crash_durability.rs` — the test `cargo test` runs
//! with 3 kills on a debug server — run once per backend with a release
//! server (`PARLOR_SHARE_SERVER_BIN`) and 20 kills (`--quick`: 5) through
//! `PARLOR_HARDEN_KILLS`. The test prints its seed and a summary line per
//! backend; `--seed` replays the kill timing and the bodies
//! (`PARLOR_CRASH_SEED`).

use anyhow::{Result, bail};

use crate::cmd::{self, Build};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    Sqlite,
    #[value(alias = "postgresql", alias = "pg")]
    Postgres,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

pub fn run(options: &super::Args) -> Result<()> {
    let (_work, binary, _) = cmd::step("build the share-server (release)", || {
        crate::support::private_build("share-server", Build::Release, "parlor-crash-")
    })?;
    let mut failed = Vec::new();
    for &backend in &options.backends {
        let name = super::name(backend);
        let step = format!("kill -9 the share-server {} times on {name}", options.kills);
        let test = format!("crash_durability::acknowledged_shares_survive_kill_9_on_{name}");
        let result = cmd::step(&step, || {
            let mut command = super::share_server_test(&test);
            command
                .env("PARLOR_HARDEN_KILLS", options.kills.to_string())
                .env("PARLOR_SHARE_SERVER_BIN", &binary);
            if let Some(seed) = options.seed {
                command.env("PARLOR_CRASH_SEED", seed.to_string());
            }
            cmd::run(&mut command)
        });
        if result.is_err() {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("crash durability failed on {failed:?} (the seed is printed above)")
    }
}
