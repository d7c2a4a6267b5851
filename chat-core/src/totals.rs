//! Conversation totals, computed one way for everyone: the app fills a
//! snapshot's totals with them, the page and the API show them, and a
//! client's own `totalTokens`/`totalCost` is only compared with them
//! ([`TotalsWarning`]): a client that counts differently (reasoning tokens
//! on top of output tokens, say) gets its share published with the right
//! figures and a warning saying what it did, not a refusal.

use serde::{Deserialize, Serialize};

use crate::snapshot::{Message, ModelRef, ShareSnapshot, Usage};
use crate::validate::limits::TOTAL_COST_RELATIVE_TOLERANCE;

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
    ///
    /// This is the one computation of a conversation's totals: the app, the
    /// UI and the share-server all call it (or [`ShareSnapshot::totals`]).
    pub fn of(messages: &[Message]) -> Self {
        let mut totals = Totals::empty();
        for message in messages {
            totals.add(message);
        }
        totals
    }

    /// The totals of no message: zero tokens, and a known cost of 0.
    fn empty() -> Self {
        Totals {
            total_cost: Some(0.0),
            ..Totals::default()
        }
    }

    fn add(&mut self, message: &Message) {
        if let Some(usage) = &message.usage {
            self.input_tokens = self.input_tokens.saturating_add(usage.input_tokens);
            self.output_tokens = self.output_tokens.saturating_add(usage.output_tokens);
            self.reasoning_tokens = self
                .reasoning_tokens
                .saturating_add(usage.reasoning_tokens.unwrap_or(0));
            self.cached_tokens = self
                .cached_tokens
                .saturating_add(usage.cached_tokens.unwrap_or(0));
            if message.cost.is_none() {
                self.total_cost = None;
            }
        }
        if let (Some(sum), Some(cost)) = (self.total_cost, message.cost) {
            self.total_cost = Some(sum + cost);
        }
        self.total_tokens = self.input_tokens.saturating_add(self.output_tokens);
    }
}

/// Equal within a relative [`TOTAL_COST_RELATIVE_TOLERANCE`] (and a
/// picodollar, so that sums of zeros compare equal however they were added).
pub fn costs_agree(expected: f64, actual: f64) -> bool {
    let scale = expected.abs().max(actual.abs());
    (expected - actual).abs() <= (scale * TOTAL_COST_RELATIVE_TOLERANCE).max(1e-12)
}

/// A total the client sent that differs from the one computed from the
/// messages. The share is published; readers see `server`.
///
/// Serialized as `{"field": "totalTokens", "client": 3203, "server": 3114,
/// "message": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotalsWarning {
    /// The snapshot field: `totalTokens` or `totalCost`.
    #[cfg_attr(feature = "openapi", schema(example = "totalTokens"))]
    pub field: String,
    /// What the client sent.
    #[cfg_attr(feature = "openapi", schema(value_type = f64, example = 3203))]
    pub client: serde_json::Number,
    /// What the messages add up to; `null` for a cost that is unknown
    /// (a message with usage but no cost).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, example = 3114))]
    pub server: Option<serde_json::Number>,
    /// What differs and the likely reason, for a person.
    pub message: String,
}

/// The totals of the answers of one provider/model in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelTotals {
    pub provider: String,
    pub model: String,
    /// Assistant messages produced by this model.
    pub answers: usize,
    /// Usage and cost of the messages attributed to this model.
    pub totals: Totals,
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
        self.total_tokens = Some(totals.total_tokens);
        self.total_cost = totals.total_cost;
    }

    /// Where the client's `totalTokens`/`totalCost` differ from
    /// [`ShareSnapshot::totals`]; empty when they agree or are absent.
    ///
    /// A `null` `totalCost` is no claim (the app sends it when a price is
    /// unknown) and never warns.
    pub fn totals_warnings(&self) -> Vec<TotalsWarning> {
        let totals = self.totals();
        let mut warnings = Vec::new();
        if let Some(client) = self.total_tokens
            && client != totals.total_tokens
        {
            warnings.push(TotalsWarning {
                field: "totalTokens".into(),
                client: client.into(),
                server: Some(totals.total_tokens.into()),
                message: tokens_message(client, &totals),
            });
        }
        if let Some(client) = self.total_cost.filter(|c| c.is_finite()) {
            let message = match totals.total_cost {
                Some(server) if costs_agree(server, client) => None,
                Some(server) => Some(format!(
                    "totalCost {client} differs from the sum of the messages' cost ({server}); \
                     the share shows {server}"
                )),
                None => {
                    let unpriced = self
                        .messages
                        .iter()
                        .position(|m| m.usage.is_some() && m.cost.is_none())
                        .unwrap_or_default();
                    Some(format!(
                        "totalCost {client} cannot be checked: messages[{unpriced}] has usage \
                         but no cost, so the total cost is unknown and the share shows none"
                    ))
                }
            };
            if let Some(message) = message {
                warnings.push(TotalsWarning {
                    field: "totalCost".into(),
                    client: serde_json::Number::from_f64(client).unwrap_or_else(|| 0.into()),
                    server: totals.total_cost.and_then(serde_json::Number::from_f64),
                    message,
                });
            }
        }
        warnings
    }

    /// The totals per provider/model, in the order each first answered.
    /// Every message with usage or cost is attributed with
    /// [`ShareSnapshot::model_of`], so the groups add up to
    /// [`ShareSnapshot::totals`].
    pub fn totals_by_model(&self) -> Vec<ModelTotals> {
        let mut groups: Vec<(ModelRef<'_>, usize, Totals)> = Vec::new();
        for message in &self.messages {
            let answer = message.role == crate::Role::Assistant;
            if !answer && message.usage.is_none() && message.cost.is_none() {
                continue;
            }
            let model = self.model_of(message);
            let index = match groups.iter().position(|(m, _, _)| *m == model) {
                Some(index) => index,
                None => {
                    groups.push((model, 0, Totals::empty()));
                    groups.len() - 1
                }
            };
            let (_, answers, totals) = &mut groups[index];
            *answers += usize::from(answer);
            totals.add(message);
        }
        groups
            .into_iter()
            .map(|(model, answers, totals)| ModelTotals {
                provider: model.provider.to_owned(),
                model: model.model.to_owned(),
                answers,
                totals,
            })
            .collect()
    }
}

fn tokens_message(client: i64, totals: &Totals) -> String {
    let server = totals.total_tokens;
    let reason = if totals.reasoning_tokens > 0
        && client == server.saturating_add(totals.reasoning_tokens)
    {
        ": it counts the reasoning tokens twice (reasoningTokens are part of outputTokens)"
    } else if totals.cached_tokens > 0 && client == server.saturating_add(totals.cached_tokens) {
        ": it counts the cached tokens twice (cachedTokens are part of inputTokens)"
    } else {
        ""
    };
    format!(
        "totalTokens {client} differs from the sum of inputTokens + outputTokens of the \
         messages ({server}){reason}; the share shows {server}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Role;

    fn message(usage: Option<(i64, i64)>, cost: Option<f64>) -> Message {
        let mut message = crate::test_fixtures::message("m", Role::Assistant, "", 0);
        message.usage = usage.map(|(input_tokens, output_tokens)| Usage {
            input_tokens,
            output_tokens,
            reasoning_tokens: Some(output_tokens / 2),
            cached_tokens: Some(input_tokens / 4),
        });
        message.cost = cost;
        message
    }

    #[test]
    fn sums_input_and_output_only() {
        let totals = Totals::of(&[
            message(Some((100, 40)), Some(0.5)),
            message(None, None),
            message(Some((8, 2)), Some(0.25)),
        ]);
        assert_eq!(
            totals,
            Totals {
                input_tokens: 108,
                output_tokens: 42,
                reasoning_tokens: 21,
                cached_tokens: 27,
                total_tokens: 150,
                total_cost: Some(0.75),
            }
        );
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

    #[test]
    fn totals_per_model_add_up_to_the_whole() {
        let s = crate::test_fixtures::snapshot_v2();
        assert!(s.uses_several_models());
        let groups = s.totals_by_model();
        let names: Vec<(&str, &str, usize)> = groups
            .iter()
            .map(|g| (g.provider.as_str(), g.model.as_str(), g.answers))
            .collect();
        assert_eq!(
            names,
            [
                ("anthropic", "claude-sonnet-4", 1),
                ("openai", "gpt-4o", 1),
                ("ollama", "llama3.2", 1),
            ]
        );
        assert_eq!(groups[0].totals.total_tokens, 1500);
        assert_eq!(groups[1].totals.total_tokens, 1575);
        assert_eq!(groups[2].totals.total_tokens, 0);
        let sum: i64 = groups.iter().map(|g| g.totals.total_tokens).sum();
        assert_eq!(sum, s.totals().total_tokens);
        assert_eq!(groups[0].totals.total_cost, Some(0.0042));
    }

    #[test]
    fn answers_fall_back_to_the_model_config() {
        let s = crate::test_fixtures::snapshot();
        assert!(!s.uses_several_models());
        let model = s.model_of(&s.messages[4]);
        assert_eq!((model.provider, model.model), ("openai", "gpt-4o"));
        assert_eq!(s.totals_by_model().len(), 1);
        let mut s = crate::test_fixtures::snapshot_v2();
        s.messages[2].provider = None;
        let model = s.model_of(&s.messages[2]);
        assert_eq!((model.provider, model.model), ("openai", "claude-sonnet-4"));
    }

    #[test]
    fn params_differ_from_the_model_config_only_where_they_say_so() {
        use crate::snapshot::GenerationParams;
        let s = crate::test_fixtures::snapshot();
        let config = &s.model_config;
        let same = GenerationParams {
            temperature: config.temperature,
            ..GenerationParams::default()
        };
        assert!(!same.differ_from(config));
        assert!(GenerationParams::default().is_empty());
        let hotter = GenerationParams {
            temperature: Some(1.2),
            ..GenerationParams::default()
        };
        assert!(hotter.differ_from(config));
        let seeded = GenerationParams {
            other: [("seed".to_string(), serde_json::json!(1))].into(),
            ..GenerationParams::default()
        };
        assert!(seeded.differ_from(config));
    }
}
