//! Figures under an answer and for the whole session, as `dl.stat-line`
//! items like the public page's. Each value element carries `data-stat`.

use yew::prelude::*;

use crate::format;
use crate::types::{SessionTotals, StoredMessage};

/// One figure: `(data-stat, label, value)`.
pub type Stat = (&'static str, &'static str, String);

/// An answer's tokens, cost and timings; `—` for what is unknown.
pub fn message_stats(message: &StoredMessage) -> Vec<Stat> {
    let dash = || "—".to_owned();
    let tokens = |n: Option<i64>| n.map_or_else(dash, format::tokens);
    let duration = |ms: Option<i64>| ms.map_or_else(dash, format::duration_ms);
    let usage = message.usage;
    let input = tokens(usage.map(|u| u.input_tokens));
    let output = tokens(usage.map(|u| u.output_tokens));
    let reasoning = tokens(usage.and_then(|u| u.reasoning_tokens));
    let cached = tokens(usage.and_then(|u| u.cached_tokens));
    let speed = message
        .tokens_per_second
        .map_or_else(dash, format::tokens_per_second);
    vec![
        ("input-tokens", "Input", input),
        ("output-tokens", "Output", output),
        ("reasoning-tokens", "Reasoning", reasoning),
        ("cached-tokens", "Cached", cached),
        ("cost", "Cost", format::cost(message.cost)),
        (
            "ttft",
            "First token",
            duration(message.time_to_first_token_ms),
        ),
        (
            "inference-time",
            "Time",
            duration(message.inference_time_ms),
        ),
        ("tokens-per-second", "Speed", speed),
    ]
}

/// The session's totals, each figure said once (the label names the unit):
/// the tokens, then the cached and reasoning parts and the inference time
/// when there are any, then the cost. A session where nothing was measured
/// yet shows nothing, not a cost of $0.00.
pub fn totals_stats(session: &SessionTotals) -> Vec<Stat> {
    let totals = &session.sums;
    if totals.total_tokens == 0 && session.inference_time_ms == 0 {
        return Vec::new();
    }
    let counts = [
        ("total-tokens", "Tokens", totals.total_tokens, true),
        ("total-input-tokens", "In", totals.input_tokens, true),
        ("total-output-tokens", "Out", totals.output_tokens, true),
        ("total-cached-tokens", "Cached", totals.cached_tokens, false),
        (
            "total-reasoning-tokens",
            "Reasoning",
            totals.reasoning_tokens,
            false,
        ),
    ];
    let mut stats: Vec<Stat> = counts
        .into_iter()
        .filter(|&(_, _, n, always)| always || n > 0)
        .map(|(key, label, n, _)| (key, label, format::count(n)))
        .collect();
    if session.inference_time_ms > 0 {
        let time = format::duration_ms(session.inference_time_ms);
        stats.push(("total-inference-time", "Time", time));
    }
    stats.push(("total-cost", "Cost", format::cost(totals.total_cost)));
    stats
}

/// The figures a comparison's column shows.
const COLUMN_STATS: [&str; 6] = [
    "input-tokens",
    "output-tokens",
    "cost",
    "ttft",
    "tokens-per-second",
    "inference-time",
];

/// A compared answer's figures; while it streams, measured here: the time
/// since it started (`now_ms`, ms since the epoch), its first token
/// (`first_token_ms`, when it came), the output so far (counted by the
/// provider when it said, else estimated from the text, marked `~`).
pub fn column_stats(
    message: &StoredMessage,
    now_ms: f64,
    first_token_ms: Option<f64>,
) -> Vec<Stat> {
    let mut stats = message_stats(message);
    // Nothing measured (streaming, or failed before any usage): no price to
    // be unknown.
    if message.cost.is_none() && message.usage.is_none() {
        for (key, _, value) in &mut stats {
            if *key == "cost" {
                *value = "—".to_owned();
            }
        }
    }
    if message.status == crate::types::MessageStatus::Streaming {
        let started = message.created_at.timestamp_millis() as f64;
        let elapsed = |from: f64, to: f64| (to - from).max(0.0);
        let reported = message.usage.map(|u| u.output_tokens);
        let estimated = || {
            let chars = message.content.chars().count()
                + message
                    .reasoning
                    .as_deref()
                    .map_or(0, |r| r.chars().count());
            (chars as i64 + 3) / 4
        };
        let output = reported.unwrap_or_else(estimated);
        for (key, _, value) in &mut stats {
            match *key {
                "output-tokens" if reported.is_none() => {
                    *value = format!("~{}", format::tokens(output));
                }
                "ttft" => {
                    if let Some(first) = first_token_ms {
                        *value = format::duration_ms(elapsed(started, first) as i64);
                    }
                }
                "inference-time" => *value = format::duration_ms(elapsed(started, now_ms) as i64),
                "tokens-per-second" => {
                    let seconds =
                        first_token_ms.map_or(0.0, |first| elapsed(first, now_ms) / 1000.0);
                    if seconds > 0.5 && output > 0 {
                        *value = format::tokens_per_second(output as f64 / seconds);
                    }
                }
                _ => {}
            }
        }
    }
    stats.retain(|(key, _, _)| COLUMN_STATS.contains(key));
    stats
}

pub fn stat_items(stats: Vec<Stat>) -> Html {
    stats
        .into_iter()
        .map(|(key, label, value)| {
            html! {
                <div class="stat">
                    <dt>{ label }</dt>
                    <dd data-stat={key}>{ value }</dd>
                </div>
            }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct MessageStatsProps {
    pub message: StoredMessage,
}

#[component]
pub fn MessageStats(props: &MessageStatsProps) -> Html {
    html! {
        <footer class="msg-stats" aria-label="Answer statistics">
            <dl class="stat-line">{ stat_items(message_stats(&props.message)) }</dl>
        </footer>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::types::{Totals, Usage};

    /// `key=value` for each figure, in order, separated by `; `.
    fn said(stats: Vec<Stat>) -> String {
        let said: Vec<String> = (stats.into_iter())
            .map(|(key, _, value)| format!("{key}={value}"))
            .collect();
        said.join("; ")
    }

    #[test]
    fn answer_stats_are_formatted_and_unknowns_marked() {
        let message = StoredMessage {
            usage: Some(Usage {
                input_tokens: 1_200,
                output_tokens: 1,
                reasoning_tokens: Some(30),
                cached_tokens: None,
            }),
            cost: Some(0.000_456),
            time_to_first_token_ms: Some(850),
            inference_time_ms: Some(1_240),
            tokens_per_second: Some(42.13),
            ..fixtures::answer()
        };
        assert_eq!(
            said(message_stats(&message)),
            "input-tokens=1,200 tokens; output-tokens=1 token; reasoning-tokens=30 tokens; \
             cached-tokens=—; cost=$0.000456; ttft=850 ms; inference-time=1.24 s; \
             tokens-per-second=42.1 tok/s"
        );
    }

    #[test]
    fn a_streaming_column_measures_its_own_figures() {
        let mut message = fixtures::message(
            "c1",
            1,
            crate::types::Role::Assistant,
            crate::types::MessageStatus::Streaming,
        );
        message.content = "x".repeat(400);
        let started = message.created_at.timestamp_millis() as f64;
        let live = column_stats(&message, started + 3_000.0, Some(started + 1_000.0));
        assert_eq!(
            said(live),
            "input-tokens=—; output-tokens=~100 tokens; cost=—; ttft=1.00 s; \
             inference-time=3.00 s; tokens-per-second=50.0 tok/s"
        );
        let waiting = column_stats(&message, started + 300.0, None);
        assert!(said(waiting).contains("ttft=—; inference-time=300 ms; tokens-per-second=—"));

        message.status = crate::types::MessageStatus::Complete;
        message.time_to_first_token_ms = Some(700);
        assert!(
            said(column_stats(&message, started + 9_000.0, None)).contains("ttft=700 ms"),
            "an ended answer shows what the shell measured"
        );
    }

    #[test]
    fn totals_say_each_figure_once_and_leave_out_what_is_none() {
        let totals = SessionTotals {
            message_count: 4,
            sums: Totals {
                total_tokens: 2_048,
                input_tokens: 2_000,
                output_tokens: 48,
                cached_tokens: 1_500,
                total_cost: Some(0.0123),
                ..Totals::default()
            },
            inference_time_ms: 3_400,
        };
        assert_eq!(
            said(totals_stats(&totals)),
            "total-tokens=2,048; total-input-tokens=2,000; total-output-tokens=48; \
             total-cached-tokens=1,500; total-inference-time=3.40 s; total-cost=$0.0123"
        );
        // Reasoning shows once there is some; an unknown price says so.
        let no_price = SessionTotals {
            sums: Totals {
                total_cost: None,
                reasoning_tokens: 20,
                cached_tokens: 0,
                ..totals.sums
            },
            inference_time_ms: 0,
            ..totals
        };
        assert_eq!(
            said(totals_stats(&no_price)),
            "total-tokens=2,048; total-input-tokens=2,000; total-output-tokens=48; \
             total-reasoning-tokens=20; total-cost=unknown"
        );
    }

    #[test]
    fn an_empty_session_shows_no_totals_and_no_cost() {
        let empty = SessionTotals {
            sums: Totals {
                total_cost: Some(0.0),
                ..Totals::default()
            },
            ..SessionTotals::default()
        };
        assert!(totals_stats(&empty).is_empty());
    }
}
