//! `cargo xtask harden load`: load with abuse, the long run. It is
//! `share-server/tests/it/load.rs` — 256 keep-alive connections reading
//! pages and the JSON API, publishing and listing while other clients abort
//! mid-request and mid-response, 3 s in `cargo test` — run for 60 s
//! (`--quick`: 10 s) through `PARLOR_LOAD_SECONDS`, on PostgreSQL with
//! `--database-url` (`PARLOR_LOAD_DATABASE_URL`). The test fails on any 5xx,
//! any failed or unexpected answer to a well-behaved client, or a server that
//! does not answer afterwards, and prints its requests and peak memory.

use anyhow::Result;

use crate::cmd;

const FULL_SECONDS: u64 = 60;
const QUICK_SECONDS: u64 = 10;

pub fn run(quick: bool, database_url: Option<&str>) -> Result<()> {
    let seconds = if quick { QUICK_SECONDS } else { FULL_SECONDS };
    let step = format!("256 connections with aborting clients for {seconds} s");
    cmd::step(&step, || {
        let test = "load::well_behaved_clients_are_served_under_load_and_abuse";
        let mut command = super::share_server_test(test);
        command.env("PARLOR_LOAD_SECONDS", seconds.to_string());
        if let Some(url) = database_url {
            command.env("PARLOR_LOAD_DATABASE_URL", url);
        }
        cmd::run(&mut command)
    })
}
