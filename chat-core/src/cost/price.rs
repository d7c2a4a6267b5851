//! Prices of one model and the arithmetic that turns usage into USD.

use serde::{Deserialize, Serialize};

use crate::snapshot::Usage;

/// Prices of one model at one moment, in USD per million tokens.
///
/// Only the fields Parlor can meter are read from the table; audio, image,
/// cache-write and per-search prices are ignored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelPrice {
    /// Uncached input tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_mtok: Option<Rate>,
    /// Input tokens read from the prompt cache. When absent, cached tokens are
    /// billed as ordinary input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_mtok: Option<Rate>,
    /// Output tokens (reasoning included unless `output_reasoning_mtok` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_mtok: Option<Rate>,
    /// Reasoning tokens, when priced apart from the rest of the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_reasoning_mtok: Option<Rate>,
    /// USD per thousand requests (one message is one request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_kcount: Option<f64>,
}

/// A price per million tokens: flat, or tiered by the request's input size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rate {
    Flat(f64),
    Tiered(TieredRate),
}

/// Threshold ("cliff") pricing as the table defines it: once the request's
/// *total input tokens* exceed a tier's `start`, that tier's price applies to
/// *all* tokens of the kind (output included), not only to those above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieredRate {
    pub base: f64,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// Input-token count above which `price` applies.
    pub start: u64,
    pub price: f64,
}

impl Rate {
    /// The USD per million tokens that applies to a request with
    /// `total_input_tokens` input tokens.
    pub fn per_mtok(&self, total_input_tokens: u64) -> f64 {
        match self {
            Rate::Flat(price) => *price,
            Rate::Tiered(tiered) => tiered
                .tiers
                .iter()
                .rev()
                .find(|tier| total_input_tokens > tier.start)
                .map_or(tiered.base, |tier| tier.price),
        }
    }

    fn cost(&self, tokens: u64, total_input_tokens: u64) -> f64 {
        // Token counts are far below 2^53, so the conversion is exact.
        self.per_mtok(total_input_tokens) * tokens as f64 / 1_000_000.0
    }

    fn is_valid(&self) -> bool {
        let valid = |price: f64| price.is_finite() && price >= 0.0;
        match self {
            Rate::Flat(price) => valid(*price),
            Rate::Tiered(tiered) => {
                valid(tiered.base) && tiered.tiers.iter().all(|tier| valid(tier.price))
            }
        }
    }

    pub(super) fn sort_tiers(&mut self) {
        if let Rate::Tiered(tiered) = self {
            tiered.tiers.sort_by_key(|tier| tier.start);
        }
    }
}

impl ModelPrice {
    /// A flat price in USD per million tokens.
    pub fn flat(input: f64, output: f64) -> Self {
        Self {
            input_mtok: Some(Rate::Flat(input)),
            output_mtok: Some(Rate::Flat(output)),
            ..Self::default()
        }
    }

    /// The cost of `usage` in USD.
    ///
    /// - Input: `inputTokens − cachedTokens` at the input price, the cached
    ///   tokens at the cache-read price (or the input price if the model has
    ///   none). Cached tokens are a part of input tokens, never added twice.
    /// - Output: `outputTokens` at the output price; if the model prices
    ///   reasoning apart, `reasoningTokens` at that price and only the rest at
    ///   the output price. Reasoning is a part of output, never added twice.
    /// - Tiers are chosen by the request's total input tokens.
    ///
    /// `None` (unknown, never a made-up 0) when tokens of some kind have no
    /// price at all, when a count is negative or a part exceeds its whole, or
    /// when a price is not a finite number ≥ 0.
    pub fn cost(&self, usage: &Usage) -> Option<f64> {
        let input = u64::try_from(usage.input_tokens).ok()?;
        let output = u64::try_from(usage.output_tokens).ok()?;
        let cached = u64::try_from(usage.cached_tokens.unwrap_or(0)).ok()?;
        let reasoning = u64::try_from(usage.reasoning_tokens.unwrap_or(0)).ok()?;
        if cached > input || reasoning > output || !self.is_valid() {
            return None;
        }

        let (uncached_input, cached_part) = match &self.cache_read_mtok {
            Some(rate) => (input - cached, rate.cost(cached, input)),
            None => (input, 0.0),
        };
        let (plain_output, reasoning_part) = match &self.output_reasoning_mtok {
            Some(rate) => (output - reasoning, rate.cost(reasoning, input)),
            None => (output, 0.0),
        };
        let input_part = priced(self.input_mtok.as_ref(), uncached_input, input)?;
        let output_part = priced(self.output_mtok.as_ref(), plain_output, input)?;
        let request_part = self.requests_kcount.unwrap_or(0.0) / 1000.0;
        Some(input_part + cached_part + output_part + reasoning_part + request_part)
    }

    fn is_valid(&self) -> bool {
        [
            &self.input_mtok,
            &self.cache_read_mtok,
            &self.output_mtok,
            &self.output_reasoning_mtok,
        ]
        .into_iter()
        .flatten()
        .all(Rate::is_valid)
            && self
                .requests_kcount
                .is_none_or(|price| price.is_finite() && price >= 0.0)
    }

    pub(super) fn sort_tiers(&mut self) {
        for rate in [
            &mut self.input_mtok,
            &mut self.cache_read_mtok,
            &mut self.output_mtok,
            &mut self.output_reasoning_mtok,
        ]
        .into_iter()
        .flatten()
        {
            rate.sort_tiers();
        }
    }
}

/// `tokens` at `rate`; free when there are no tokens, unknown when there are
/// tokens but no rate.
fn priced(rate: Option<&Rate>, tokens: u64, total_input_tokens: u64) -> Option<f64> {
    match rate {
        Some(rate) => Some(rate.cost(tokens, total_input_tokens)),
        None if tokens == 0 => Some(0.0),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::tests::usage;

    #[track_caller]
    fn assert_usd(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a price");
        assert!((actual - expected).abs() < 1e-12, "{actual} != {expected}");
    }

    #[test]
    fn flat_prices() {
        let price = ModelPrice::flat(2.5, 10.0);
        assert_usd(price.cost(&usage(1_000_000, 0, None, None)), 2.5);
        assert_usd(price.cost(&usage(0, 1_000_000, None, None)), 10.0);
        assert_usd(price.cost(&usage(1000, 500, None, None)), 0.0025 + 0.005);
    }

    #[test]
    fn cached_input_is_part_of_input() {
        let mut price = ModelPrice::flat(2.0, 8.0);
        price.cache_read_mtok = Some(Rate::Flat(0.5));
        // 1M input of which 400k cached: 600k × 2 + 400k × 0.5
        assert_usd(price.cost(&usage(1_000_000, 0, Some(400_000), None)), 1.4);
        price.cache_read_mtok = None;
        assert_usd(price.cost(&usage(1_000_000, 0, Some(400_000), None)), 2.0);
    }

    #[test]
    fn reasoning_is_part_of_output() {
        let mut price = ModelPrice::flat(2.0, 8.0);
        assert_usd(price.cost(&usage(0, 1_000_000, None, Some(600_000))), 8.0);
        price.output_reasoning_mtok = Some(Rate::Flat(3.0));
        // 400k × 8 + 600k × 3
        assert_usd(price.cost(&usage(0, 1_000_000, None, Some(600_000))), 5.0);
    }

    #[test]
    fn tiers_apply_to_all_tokens_once_input_crosses_them() {
        let tiered = |base, high| {
            Some(Rate::Tiered(TieredRate {
                base,
                tiers: vec![Tier {
                    start: 200_000,
                    price: high,
                }],
            }))
        };
        let price = ModelPrice {
            input_mtok: tiered(3.0, 6.0),
            output_mtok: tiered(15.0, 22.5),
            ..ModelPrice::default()
        };
        assert_usd(price.cost(&usage(200_000, 1000, None, None)), 0.6 + 0.015);
        assert_usd(
            price.cost(&usage(200_001, 1000, None, None)),
            200_001.0 * 6e-6 + 0.0225,
        );
    }

    #[test]
    fn requests_are_billed_per_message() {
        let mut price = ModelPrice::flat(0.0, 0.0);
        price.requests_kcount = Some(5.0);
        assert_usd(price.cost(&usage(0, 0, None, None)), 0.005);
    }

    #[test]
    fn unknown_is_none_never_zero() {
        let input_only = ModelPrice {
            input_mtok: Some(Rate::Flat(1.0)),
            ..ModelPrice::default()
        };
        assert_eq!(input_only.cost(&usage(10, 1, None, None)), None);
        assert_usd(input_only.cost(&usage(10, 0, None, None)), 1e-5);
        let price = ModelPrice::flat(1.0, 1.0);
        assert_eq!(price.cost(&usage(-1, 0, None, None)), None);
        assert_eq!(price.cost(&usage(1, 0, Some(2), None)), None);
        assert_eq!(price.cost(&usage(0, 1, None, Some(2))), None);
        assert_eq!(
            ModelPrice::flat(f64::NAN, 1.0).cost(&usage(0, 0, None, None)),
            None
        );
        assert_eq!(
            ModelPrice::flat(-1.0, 1.0).cost(&usage(0, 0, None, None)),
            None
        );
    }
}
