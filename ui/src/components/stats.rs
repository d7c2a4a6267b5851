//! Figures under an answer and for the whole session, as `dl.stat-line`
//! items like the public page's. Each value element carries `data-stat`.

use yew::prelude::*;

use crate::format;
use crate::types::{SessionTotals, StoredMessage};

/// `(data-stat, label, value)` of an answer: tokens, cost and timings.
pub fn message_stats(message: &StoredMessage) -> Vec<(&'static str, &'static str, String)> {
    let dash = || "—".to_owned();
    let usage = message.usage;
    let tokens = |n: Option<i64>| n.map_or_else(dash, format::tokens);
    vec![
        (
            "input-tokens",
            "Input",
            tokens(usage.map(|u| u.input_tokens)),
        ),
        (
            "output-tokens",
            "Output",
            tokens(usage.map(|u| u.output_tokens)),
        ),
        (
            "reasoning-tokens",
            "Reasoning",
            tokens(usage.and_then(|u| u.reasoning_tokens)),
        ),
        (
            "cached-tokens",
            "Cached",
            tokens(usage.and_then(|u| u.cached_tokens)),
        ),
        ("cost", "Cost", format::cost(message.cost)),
        (
            "ttft",
            "First token",
            message
                .time_to_first_token_ms
                .map_or_else(dash, format::duration_ms),
        ),
        (
            "inference-time",
            "Time",
            message
                .inference_time_ms
                .map_or_else(dash, format::duration_ms),
        ),
        (
            "tokens-per-second",
            "Speed",
            message
                .tokens_per_second
                .map_or_else(dash, format::tokens_per_second),
        ),
    ]
}

/// `(data-stat, label, value)` of the session totals.
pub fn totals_stats(totals: &SessionTotals) -> Vec<(&'static str, &'static str, String)> {
    vec![
        (
            "total-tokens",
            "Tokens",
            format::tokens(totals.total_tokens),
        ),
        (
            "total-input-tokens",
            "In",
            format::count(totals.input_tokens),
        ),
        (
            "total-output-tokens",
            "Out",
            format::count(totals.output_tokens),
        ),
        (
            "total-reasoning-tokens",
            "Reasoning",
            format::count(totals.reasoning_tokens),
        ),
        ("total-cost", "Cost", format::cost(totals.total_cost)),
    ]
}

pub fn stat_items(stats: Vec<(&'static str, &'static str, String)>) -> Html {
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
    use crate::types::{MessageStatus, Role, Usage};

    #[test]
    fn answer_stats_are_formatted_and_unknowns_marked() {
        let message = StoredMessage {
            id: "m".into(),
            session_id: "s".into(),
            position: 1,
            role: Role::Assistant,
            content: "hi".into(),
            reasoning: None,
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
            tool_calls: Vec::new(),
            tool_call_id: None,
            status: MessageStatus::Complete,
            error: None,
            finish_reason: None,
            provider_id: None,
            model: None,
            provider_name: None,
            price_provider: None,
            params: None,
            ended: None,
            created_at: Default::default(),
            updated_at: Default::default(),
        };
        let stats = message_stats(&message);
        let value = |key: &str| {
            stats
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, _, v)| v.clone())
                .unwrap()
        };
        assert_eq!(value("input-tokens"), "1,200 tokens");
        assert_eq!(value("output-tokens"), "1 token");
        assert_eq!(value("reasoning-tokens"), "30 tokens");
        assert_eq!(value("cached-tokens"), "—");
        assert_eq!(value("cost"), "$0.000456");
        assert_eq!(value("ttft"), "850 ms");
        assert_eq!(value("inference-time"), "1.24 s");
        assert_eq!(value("tokens-per-second"), "42.1 tok/s");
        assert_eq!(stats.len(), 8);
    }

    #[test]
    fn totals_read_like_the_page() {
        let totals = SessionTotals {
            total_tokens: 2_048,
            input_tokens: 2_000,
            output_tokens: 48,
            total_cost: None,
            ..SessionTotals::default()
        };
        let stats = totals_stats(&totals);
        assert_eq!(stats[0].2, "2,048 tokens");
        assert_eq!(stats[4].2, "unknown");
    }
}
