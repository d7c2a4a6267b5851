//! How a share reads in the app: expiry choices under a server's cap, the
//! expiry and status lines, what was removed before publishing, how often a
//! link was opened and how many versions it holds. Pure, so the wording is
//! tested on the host.

use chrono::{DateTime, Utc};

use crate::format::date_time;
use crate::types::{ShareListItem, ShareStatus};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
pub const DAY: u64 = 24 * HOUR;

/// The expiries offered when the server sets no cap, besides "Never".
const STANDARD_EXPIRIES: [u64; 3] = [DAY, 7 * DAY, 30 * DAY];

/// One option of the expiry select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryChoice {
    /// The `<option>` value: `never`, `7d`, or seconds as `3600s`.
    pub value: String,
    pub label: String,
    pub seconds: Option<u64>,
}

/// `3 days`, `1 day`, `12 hours`, `90 minutes`: the largest whole unit.
pub fn duration_words(seconds: u64) -> String {
    let (count, unit) = if seconds >= DAY && seconds.is_multiple_of(DAY) {
        (seconds / DAY, "day")
    } else if seconds >= HOUR && seconds.is_multiple_of(HOUR) {
        (seconds / HOUR, "hour")
    } else if seconds >= MINUTE && seconds.is_multiple_of(MINUTE) {
        (seconds / MINUTE, "minute")
    } else {
        (seconds, "second")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

/// The select value of an expiry.
pub fn expiry_value(seconds: Option<u64>) -> String {
    match seconds {
        None => "never".to_owned(),
        Some(s) if s > 0 && s.is_multiple_of(DAY) => format!("{}d", s / DAY),
        Some(s) => format!("{s}s"),
    }
}

/// The expiry of a select value (`never` and anything unreadable: none).
pub fn parse_expiry(value: &str) -> Option<u64> {
    if let Some(days) = value.strip_suffix('d') {
        return days.parse::<u64>().ok().map(|d| d * DAY);
    }
    value.strip_suffix('s').and_then(|s| s.parse().ok())
}

/// The expiry a link gets on a server that keeps links at most `cap`:
/// never-expiring and longer ones are cut to the cap.
pub fn fit_expiry(wanted: Option<u64>, cap: Option<u64>) -> Option<u64> {
    match (wanted, cap) {
        (None, Some(cap)) => Some(cap),
        (Some(wanted), Some(cap)) if wanted > cap => Some(cap),
        (wanted, _) => wanted,
    }
}

/// What the expiry select offers: "Never" and the usual lengths, or under a
/// cap the usual lengths up to it and the cap itself. `current` (the link's
/// own expiry) is offered too, so the form can show what the link has.
pub fn expiry_choices(cap: Option<u64>, current: Option<u64>) -> Vec<ExpiryChoice> {
    let mut lengths: Vec<u64> = STANDARD_EXPIRIES
        .into_iter()
        .filter(|s| cap.is_none_or(|cap| *s <= cap))
        .collect();
    lengths.extend(cap);
    lengths.extend(fit_expiry(current, cap));
    lengths.retain(|s| *s > 0);
    lengths.sort_unstable();
    lengths.dedup();
    let never = cap.is_none().then_some(None);
    never
        .into_iter()
        .chain(lengths.into_iter().map(Some))
        .map(|seconds| ExpiryChoice {
            value: expiry_value(seconds),
            label: match seconds {
                None => "Never".to_owned(),
                Some(s) => format!("In {}", duration_words(s)),
            },
            seconds,
        })
        .collect()
}

/// Said before publishing when the server caps how long links live.
pub fn cap_sentence(cap: u64) -> String {
    format!("This server keeps links at most {}.", duration_words(cap))
}

/// Under the link: when it stops working.
pub fn expiry_line(expires_at: Option<&DateTime<Utc>>) -> String {
    match expires_at {
        Some(at) => format!("Expires {}.", date_time(at)),
        None => "Never expires.".to_owned(),
    }
}

/// Where something was published or written, for the line that says what
/// was removed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    BeforePublishing,
    FromFile,
    FromMarkdown,
}

/// "Removed before publishing: 1 API key, 2 home-directory paths". The
/// shell sends the list; a sentence it already made is shown as it is.
pub fn removed_line(place: Removed, summary: &str) -> String {
    let summary = summary.trim();
    if summary.starts_with("Removed") {
        return summary.to_owned();
    }
    let lead = match place {
        Removed::BeforePublishing => "Removed before publishing",
        Removed::FromFile => "Removed from the file",
        Removed::FromMarkdown => "Removed from the Markdown",
    };
    format!("{lead}: {summary}")
}

/// The badge of a share: "Active", "Expires <date>", "Expired",
/// "Revoked <date>".
pub fn status_label(share: &ShareListItem) -> String {
    match share.status {
        ShareStatus::Active => share.expires_at.as_ref().map_or_else(
            || "Active".to_owned(),
            |at| format!("Expires {}", date_time(at)),
        ),
        ShareStatus::Expired => "Expired".to_owned(),
        ShareStatus::Revoked => share.revoked_at.as_ref().map_or_else(
            || "Revoked".to_owned(),
            |at| format!("Revoked {}", date_time(at)),
        ),
    }
}

/// How often a link was opened: "No views yet", "1 view", "3/10 views",
/// with "· last viewed <date>"; `None` when its server does not count.
pub fn views_line(share: &ShareListItem) -> Option<String> {
    let views = share.views?;
    let count = match (views, share.max_views) {
        (views, Some(max)) => format!("{views}/{max} views"),
        (0, None) => "No views yet".to_owned(),
        (1, None) => "1 view".to_owned(),
        (views, None) => format!("{views} views"),
    };
    Some(match &share.last_viewed_at {
        Some(at) => format!("{count} · last viewed {}", date_time(at)),
        None => count,
    })
}

/// "3 versions" for a link updated since it was made; nothing for one.
pub fn versions_label(share: &ShareListItem) -> Option<String> {
    (share.versions > 1).then(|| format!("{} versions", share.versions))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(choices: &[ExpiryChoice]) -> Vec<&str> {
        choices.iter().map(|c| c.value.as_str()).collect()
    }

    #[test]
    fn durations_use_the_largest_whole_unit() {
        assert_eq!(duration_words(DAY), "1 day");
        assert_eq!(duration_words(30 * DAY), "30 days");
        assert_eq!(duration_words(12 * HOUR), "12 hours");
        assert_eq!(duration_words(DAY + HOUR), "25 hours");
        assert_eq!(duration_words(90 * MINUTE), "90 minutes");
        assert_eq!(duration_words(1), "1 second");
    }

    #[test]
    fn select_values_round_trip() {
        for seconds in [
            None,
            Some(DAY),
            Some(7 * DAY),
            Some(30 * DAY),
            Some(3600),
            Some(5),
        ] {
            assert_eq!(parse_expiry(&expiry_value(seconds)), seconds, "{seconds:?}");
        }
        assert_eq!(expiry_value(Some(7 * DAY)), "7d");
        assert_eq!(parse_expiry("never"), None);
        assert_eq!(parse_expiry("soon"), None);
    }

    #[test]
    fn without_a_cap_never_comes_first() {
        let choices = expiry_choices(None, None);
        assert_eq!(values(&choices), ["never", "1d", "7d", "30d"]);
        assert_eq!(choices[0].label, "Never");
        assert_eq!(choices[2].label, "In 7 days");
    }

    #[test]
    fn under_a_cap_never_is_gone_and_the_cap_is_the_longest() {
        assert_eq!(
            values(&expiry_choices(Some(14 * DAY), None)),
            ["1d", "7d", "14d"]
        );
        assert_eq!(
            values(&expiry_choices(Some(30 * DAY), None)),
            ["1d", "7d", "30d"]
        );
        assert_eq!(values(&expiry_choices(Some(12 * HOUR), None)), ["43200s"]);
        assert_eq!(
            expiry_choices(Some(12 * HOUR), None)[0].label,
            "In 12 hours"
        );
    }

    #[test]
    fn the_links_own_expiry_is_offered() {
        assert_eq!(
            values(&expiry_choices(None, Some(3 * DAY))),
            ["never", "1d", "3d", "7d", "30d"]
        );
        // Longer than the cap: the link got the cap.
        assert_eq!(
            values(&expiry_choices(Some(7 * DAY), Some(30 * DAY))),
            ["1d", "7d"]
        );
    }

    #[test]
    fn a_cap_cuts_what_is_asked() {
        assert_eq!(fit_expiry(None, None), None);
        assert_eq!(fit_expiry(Some(DAY), None), Some(DAY));
        assert_eq!(fit_expiry(None, Some(7 * DAY)), Some(7 * DAY));
        assert_eq!(fit_expiry(Some(30 * DAY), Some(7 * DAY)), Some(7 * DAY));
        assert_eq!(fit_expiry(Some(DAY), Some(7 * DAY)), Some(DAY));
        assert_eq!(
            cap_sentence(30 * DAY),
            "This server keeps links at most 30 days."
        );
    }

    #[test]
    fn expiry_and_removal_lines() {
        assert_eq!(
            expiry_line(Some(&"2026-12-01T10:00:00Z".parse().unwrap())),
            "Expires 2026-12-01 10:00."
        );
        assert_eq!(expiry_line(None), "Never expires.");
        assert_eq!(
            removed_line(
                Removed::BeforePublishing,
                "1 API key, 2 home-directory paths"
            ),
            "Removed before publishing: 1 API key, 2 home-directory paths"
        );
        assert_eq!(
            removed_line(Removed::FromFile, "1 API key"),
            "Removed from the file: 1 API key"
        );
        assert_eq!(
            removed_line(Removed::FromMarkdown, "Removed before copying: 1 API key"),
            "Removed before copying: 1 API key"
        );
    }

    #[test]
    fn status_labels() {
        let mut share = crate::fixtures::share_item("abc");
        assert_eq!(status_label(&share), "Active");
        share.expires_at = Some("2026-12-01T10:00:00Z".parse().unwrap());
        assert_eq!(status_label(&share), "Expires 2026-12-01 10:00");
        share.status = ShareStatus::Expired;
        assert_eq!(status_label(&share), "Expired");
        share.status = ShareStatus::Revoked;
        assert_eq!(status_label(&share), "Revoked");
        share.revoked_at = Some("2026-11-26T09:30:00Z".parse().unwrap());
        assert_eq!(status_label(&share), "Revoked 2026-11-26 09:30");
    }

    #[test]
    fn views_and_versions_lines() {
        let mut share = crate::fixtures::share_item("abc");
        assert_eq!(views_line(&share), None, "a server that does not count");
        assert_eq!(versions_label(&share), None);
        for (views, max, line) in [
            (0, None, "No views yet"),
            (1, None, "1 view"),
            (7, None, "7 views"),
            (0, Some(1), "0/1 views"),
            (3, Some(10), "3/10 views"),
        ] {
            share.views = Some(views);
            share.max_views = max;
            assert_eq!(views_line(&share).as_deref(), Some(line), "{views}/{max:?}");
        }
        share.last_viewed_at = Some("2026-11-26T09:30:00Z".parse().unwrap());
        assert_eq!(
            views_line(&share).as_deref(),
            Some("3/10 views · last viewed 2026-11-26 09:30")
        );
        share.versions = 3;
        assert_eq!(versions_label(&share).as_deref(), Some("3 versions"));
    }
}
