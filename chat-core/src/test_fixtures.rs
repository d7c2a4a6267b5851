//! The crate's own tests take their snapshots from [`crate::fixtures`]:
//! these are the short names they use, with times as minutes of the
//! fixtures' morning.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::fixtures;
use crate::snapshot::*;

pub(crate) use crate::fixtures::now;

/// 2026-11-20 11:`minute` UTC, the morning of [`fixtures::weather`].
pub(crate) fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 11, 0, 0).unwrap() + TimeDelta::minutes(i64::from(minute))
}

pub(crate) fn message(id: &str, role: Role, content: &str, minute: u32) -> Message {
    fixtures::message(id, role, content, at(minute))
}

/// system, user, assistant calling a tool, the tool's answer, final assistant.
pub(crate) fn snapshot() -> ShareSnapshot {
    fixtures::weather()
}

/// [`snapshot`] with every version 2 field in use (a comparison of three
/// answers, one failed).
pub(crate) fn snapshot_v2() -> ShareSnapshot {
    fixtures::weather_v2()
}
