//! Conversation totals, computed one way for everyone: the app fills a
//! snapshot's totals with them, the server checks them, the page shows them.

use serde::{Deserialize, Serialize};

use crate::snapshot::{Message, ShareSnapshot, Usage};

/// Token and cost totals over a list of messages.
///
/// Reasoning tokens are a part of output tokens and cached tokens a part of
/// input tokens: `total_tokens` is `input_tokens + output_tokens`, and the
/// reasoning and cached sums are shown as "of which" figures.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    /// Σ `inputTokens` (cached included).
    pub input_tokens: i64,
    /// Σ `outputTokens` (reasoning included).
    pub output_tokens: i64,
    /// Σ `reasoningTokens` (a part of `output_tokens`).
    pub reasoning_tokens: i64,
    /// Σ `cachedTokens` (a part of `input_tokens`).
    pub cached_tokens: i64,
    /// `input_tokens + output_tokens`: the snapshot's `totalTokens`.
    pub total_tokens: i64,
    /// Σ message costs in USD, or `None` as soon as one message that has
    /// `usage` has no `cost`: the snapshot's `totalCost`.
    pub total_cost: Option<f64>,
}

impl Totals {
    /// Totals of `messages`. Saturates instead of overflowing, so it is safe on
    /// unvalidated input (validation then reports the offending values).
    pub fn of(messages: &[Message]) -> Self {
        let mut totals = Totals {
            total_cost: Some(0.0),
            ..Totals::default()
        };
        for message in messages {
            if let Some(usage) = &message.usage {
                totals.input_tokens = totals.input_tokens.saturating_add(usage.input_tokens);
                totals.output_tokens = totals.output_tokens.saturating_add(usage.output_tokens);
                totals.reasoning_tokens = totals
                    .reasoning_tokens
                    .saturating_add(usage.reasoning_tokens.unwrap_or(0));
                totals.cached_tokens = totals
                    .cached_tokens
                    .saturating_add(usage.cached_tokens.unwrap_or(0));
                if message.cost.is_none() {
                    totals.total_cost = None;
                }
            }
            if let (Some(sum), Some(cost)) = (totals.total_cost, message.cost) {
                totals.total_cost = Some(sum + cost);
            }
        }
        totals.total_tokens = totals.input_tokens.saturating_add(totals.output_tokens);
        totals
    }
}

impl Usage {
    /// `input_tokens + output_tokens` (reasoning and cached are subsets).
    pub fn total_tokens(&self) -> i64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }
}

impl ShareSnapshot {
    /// The totals of `messages`, as [`crate::validate()`] expects them.
    pub fn compute_totals(messages: &[Message]) -> Totals {
        Totals::of(messages)
    }

    /// The totals of this snapshot's messages.
    pub fn totals(&self) -> Totals {
        Totals::of(&self.messages)
    }

    /// Sets `total_tokens` and `total_cost` from the messages.
    pub fn fill_totals(&mut self) {
        let totals = self.totals();
        self.total_tokens = totals.total_tokens;
        self.total_cost = totals.total_cost;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Role;
    use chrono::{TimeZone, Utc};

    fn message(usage: Option<(i64, i64)>, cost: Option<f64>) -> Message {
        Message {
            id: "m".into(),
            role: Role::Assistant,
            content: String::new(),
            timestamp: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            reasoning: None,
            usage: usage.map(|(input_tokens, output_tokens)| Usage {
                input_tokens,
                output_tokens,
                reasoning_tokens: Some(output_tokens / 2),
                cached_tokens: Some(input_tokens / 4),
            }),
            cost,
            inference_time_ms: None,
            time_to_first_token_ms: None,
            tool_calls: vec![],
            tool_call_id: None,
        }
    }

    #[test]
    fn sums_input_and_output_only() {
        let totals = Totals::of(&[
            message(Some((100, 40)), Some(0.5)),
            message(None, None),
            message(Some((8, 2)), Some(0.25)),
        ]);
        assert_eq!(totals.total_tokens, 150);
        assert_eq!(totals.input_tokens, 108);
        assert_eq!(totals.output_tokens, 42);
        assert_eq!(totals.reasoning_tokens, 21);
        assert_eq!(totals.cached_tokens, 27);
        assert_eq!(totals.total_cost, Some(0.75));
    }

    #[test]
    fn unknown_cost_of_a_message_with_usage_makes_the_total_unknown() {
        let totals = Totals::of(&[
            message(Some((1, 1)), Some(0.5)),
            message(Some((1, 1)), None),
        ]);
        assert_eq!(totals.total_cost, None);
    }

    #[test]
    fn cost_of_a_message_without_usage_still_counts() {
        let totals = Totals::of(&[message(None, Some(0.5)), message(None, None)]);
        assert_eq!(totals.total_cost, Some(0.5));
        assert_eq!(totals.total_tokens, 0);
    }

    #[test]
    fn empty_conversation_costs_nothing() {
        assert_eq!(Totals::of(&[]).total_cost, Some(0.0));
    }

    #[test]
    fn saturates_instead_of_overflowing() {
        let totals = Totals::of(&[
            message(Some((i64::MAX, i64::MAX)), None),
            message(Some((i64::MAX, 1)), None),
        ]);
        assert_eq!(totals.total_tokens, i64::MAX);
    }
}
