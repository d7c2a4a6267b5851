//! The share-server's integration tests, one binary: the server and its
//! dependencies are linked once, and the tests of every module run side by
//! side. `cargo test -p share-server --test it MODULE` runs one module.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

#[macro_use]
mod common;
#[macro_use]
mod store_suite;
mod binary;
mod pg;
#[path = "../../../tests/support/webdriver.rs"]
mod webdriver;

mod api;
mod attachments;
mod auth_matrix;
mod browser;
mod browser_attachments;
mod cli;
mod crash_durability;
mod hostile_input;
mod load;
mod og_image;
mod page;
mod protect;
mod protect_browser;
mod protect_views;
mod rate_limits;
mod read_cache;
mod robustness;
mod snapshot_versions;
mod store;
mod store_files;
mod store_pg;
mod two_instances_pg;
mod versions;
mod views;
mod xss_corpus;
