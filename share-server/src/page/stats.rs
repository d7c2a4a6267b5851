//! The figures shown for the whole conversation and for each message, as
//! plain data: the page and the Markdown download print the same list.

use chat_core::{Message, ShareSnapshot};

use super::format;

/// One figure: a stable key (the page's `data-stat`), a label and the
/// formatted value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

impl Stat {
    fn new(key: &'static str, label: &'static str, value: String) -> Self {
        Self { key, label, value }
    }

    fn count(key: &'static str, label: &'static str, n: i64) -> Self {
        Self::new(key, label, format::count(n))
    }
}

/// Input and output tokens, then reasoning and cached tokens when known.
fn tokens(input: i64, output: i64, reasoning: Option<i64>, cached: Option<i64>) -> Vec<Stat> {
    let mut stats = vec![
        Stat::count("input-tokens", "Input", input),
        Stat::count("output-tokens", "Output", output),
    ];
    stats.extend(reasoning.map(|n| Stat::count("reasoning-tokens", "Reasoning", n)));
    stats.extend(cached.map(|n| Stat::count("cached-tokens", "Cached", n)));
    stats
}

/// Totals of the conversation. Reasoning and cached tokens only when some
/// message reported them (a missing figure is not a zero).
pub fn totals(snapshot: &ShareSnapshot) -> Vec<Stat> {
    let messages = &snapshot.messages;
    let totals = snapshot.totals();
    let reasoning_known = messages
        .iter()
        .any(|m| m.usage.is_some_and(|u| u.reasoning_tokens.is_some()));
    let cached_known = messages
        .iter()
        .any(|m| m.usage.is_some_and(|u| u.cached_tokens.is_some()));
    let inference_ms = messages
        .iter()
        .filter_map(|m| m.inference_time_ms)
        .reduce(i64::saturating_add);

    let mut stats = vec![Stat::count(
        "total-tokens",
        "Total tokens",
        totals.total_tokens,
    )];
    stats.extend(tokens(
        totals.input_tokens,
        totals.output_tokens,
        reasoning_known.then_some(totals.reasoning_tokens),
        cached_known.then_some(totals.cached_tokens),
    ));
    stats.push(Stat::new(
        "total-cost",
        "Cost",
        format::cost(totals.total_cost),
    ));
    stats.extend(
        inference_ms
            .map(|ms| Stat::new("inference-time", "Inference time", format::duration_ms(ms))),
    );
    stats.push(Stat::count(
        "message-count",
        "Messages",
        messages.len() as i64,
    ));
    stats
}

/// What was measured for one message; empty when nothing was.
pub fn message(message: &Message) -> Vec<Stat> {
    let mut stats = match message.usage {
        Some(usage) => tokens(
            usage.input_tokens,
            usage.output_tokens,
            usage.reasoning_tokens,
            usage.cached_tokens,
        ),
        None => Vec::new(),
    };
    // A message with usage but no price has an unknown cost, not a free one.
    match (message.cost, message.usage) {
        (Some(cost), _) => stats.push(Stat::new("cost", "Cost", format::money(cost))),
        (None, Some(_)) => stats.push(Stat::new("cost", "Cost", "unknown".to_owned())),
        (None, None) => {}
    }
    stats.extend(
        message
            .time_to_first_token_ms
            .map(|ms| Stat::new("ttft", "First token", format::duration_ms(ms))),
    );
    stats.extend(
        message
            .inference_time_ms
            .map(|ms| Stat::new("inference-time", "Inference", format::duration_ms(ms))),
    );
    let rate = message.usage.and_then(|usage| {
        format::generation_rate(
            usage.output_tokens,
            message.inference_time_ms,
            message.time_to_first_token_ms,
        )
    });
    stats.extend(rate.map(|rate| {
        Stat::new(
            "tokens-per-second",
            "Speed",
            format::tokens_per_second(rate),
        )
    }));
    stats
}

/// One model of a conversation that used several, with its share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelShare {
    pub provider: String,
    pub model: String,
    pub answers: i64,
    /// `1,500 (48%)`.
    pub tokens: String,
    /// `$0.0042 (79%)`, `unknown` when a priced figure is missing.
    pub cost: String,
}

/// Every model used, with its share of the tokens and cost, when the
/// answers came from more than one; empty otherwise.
pub fn models(snapshot: &ShareSnapshot) -> Vec<ModelShare> {
    if !snapshot.uses_several_models() {
        return Vec::new();
    }
    let whole = snapshot.totals();
    let with_share = |figure: String, share: Option<String>| match share {
        Some(share) => format!("{figure} ({share})"),
        None => figure,
    };
    snapshot
        .totals_by_model()
        .into_iter()
        .map(|group| {
            let totals = group.totals;
            let tokens = with_share(
                format::count(totals.total_tokens),
                format::percent(totals.total_tokens as f64, whole.total_tokens as f64),
            );
            let cost = match (totals.total_cost, whole.total_cost) {
                (Some(cost), Some(all)) => {
                    with_share(format::money(cost), format::percent(cost, all))
                }
                (Some(cost), None) => format::money(cost),
                (None, _) => "unknown".to_owned(),
            };
            ModelShare {
                provider: group.provider,
                model: group.model,
                answers: i64::try_from(group.answers).unwrap_or(i64::MAX),
                tokens,
                cost,
            }
        })
        .collect()
}

/// `Input 1,200 · Output 80 · Cost $0.00216`.
pub fn line(stats: &[Stat]) -> String {
    stats
        .iter()
        .map(|stat| format!("{} {}", stat.label, stat.value))
        .collect::<Vec<_>>()
        .join(" · ")
}
