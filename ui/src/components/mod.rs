//! Presentational components: props in, HTML out, no IPC.

pub mod markdown;
