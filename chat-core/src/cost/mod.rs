//! What a message cost, from the bundled price table of pydantic's
//! [genai-prices](https://github.com/pydantic/genai-prices) (MIT; see
//! `chat-core/data/genai-prices/`), with user overrides.
//!
//! # Finding a model's price
//! [`Prices::model_price`] takes the provider id and model name the
//! snapshot records (`modelConfig.provider`, `modelConfig.model`):
//!
//! 1. Both are trimmed and compared case-insensitively.
//! 2. The provider is the table provider with that id, else the first whose
//!    `provider_match` rule accepts it (`xai` → `x-ai`, `gemini` → `google`,
//!    `together-ai` → `together`). No provider, no price: `ollama`,
//!    `lmstudio`, `vllm` and other local servers are unknown unless the user
//!    adds an override.
//! 3. The model is the first of the provider's models whose match rule
//!    accepts the name, else the same among its `fallback_model_providers`
//!    (Azure serves OpenAI's models at OpenAI's prices).
//! 4. Vendor-prefixed names: if the name is not found and contains `/`, the
//!    leading `vendor/` segments are dropped one at a time and the rest is
//!    looked up in the same provider, then in the provider named by the
//!    vendor. So `openrouter` + `openai/gpt-4o` uses OpenRouter's own entry
//!    (the table lists OpenRouter's models by these names), while a model
//!    OpenRouter's list lacks, such as `anthropic/claude-sonnet-4-5`, falls
//!    back to Anthropic's price for `claude-sonnet-4-5` (OpenRouter passes
//!    vendor prices through); `openai` + `openai/gpt-4o` and `google` +
//!    `models/gemini-2.5-pro` find `gpt-4o` and `gemini-2.5-pro`.
//! 5. Prices that change over time are chosen for the message's timestamp.
//!
//! # Arithmetic
//! See [`ModelPrice::cost`]: cached tokens are a part of input tokens and
//! reasoning tokens a part of output tokens, each billed once. Unknown
//! provider, model or price gives `None`, never 0. Parlor's usage has no
//! cache-*write* count, so Anthropic cache writes are billed at the plain
//! input price (they are included in `inputTokens`).

mod data;
mod overrides;
mod price;
#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::snapshot::Usage;
use data::{ModelInfo, Provider};

pub use overrides::{PriceOverride, Pricing};
pub use price::{ModelPrice, Rate, Tier, TieredRate};

/// The price data bundled with Parlor.
const BUNDLED_JSON: &str = include_str!("../../data/genai-prices/data_slim.json");

static BUNDLED: LazyLock<PriceTable> =
    // The bundled file is tested to parse; an empty table (every price
    // unknown) is the safe outcome should it ever not.
    LazyLock::new(|| PriceTable::from_json(BUNDLED_JSON).unwrap_or_default());

/// The table could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid price data: {0}")]
pub struct PriceDataError(#[from] serde_json::Error);

/// Providers and model prices in the genai-prices format.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    providers: Vec<Provider>,
}

/// Where a price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PriceSource {
    /// The bundled (or loaded) price table.
    Table,
    /// A user override.
    Override,
}

/// The price found for a provider and model, and what it was found as.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedPrice {
    /// The table's provider id (`openai`), or the override's provider.
    pub provider_id: String,
    /// The provider's display name (`OpenAI`), or the override's provider.
    pub provider_name: String,
    /// The table's model id (`gpt-4o` for `gpt-4o-2024-08-06`), or the override's model.
    pub model_id: String,
    /// The model's display name, when the table has one.
    pub model_name: Option<String>,
    pub source: PriceSource,
    /// The prices in force at the requested time.
    pub price: ModelPrice,
}

impl PriceTable {
    /// The table bundled with this crate, parsed on first use.
    pub fn bundled() -> &'static PriceTable {
        &BUNDLED
    }

    /// Reads a table in the genai-prices `data_slim.json` format.
    pub fn from_json(json: &str) -> Result<PriceTable, PriceDataError> {
        let mut providers: Vec<Provider> = serde_json::from_str(json)?;
        for provider in &mut providers {
            for model in &mut provider.models {
                model.prices.sort_tiers();
            }
        }
        Ok(PriceTable { providers })
    }

    /// The ids of the table's providers, in table order.
    pub fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|p| p.id.as_str())
    }

    /// The table's provider id for `provider` (its id or an alias the table
    /// recognises), or `None`.
    pub fn provider_id(&self, provider: &str) -> Option<&str> {
        self.find_provider(&normalize(provider))
            .map(|p| p.id.as_str())
    }

    /// The provider id whose model names look like `model` (`claude-…` →
    /// `anthropic`), for endpoints configured without a known provider.
    pub fn guess_provider(&self, model: &str) -> Option<&str> {
        let model = normalize(model);
        self.providers
            .iter()
            .find(|p| p.model_match.as_ref().is_some_and(|m| m.is_match(&model)))
            .map(|p| p.id.as_str())
    }

    /// This table with user overrides consulted first.
    pub fn with_overrides(&self, overrides: Vec<PriceOverride>) -> Pricing<'_> {
        Pricing::new(self, overrides)
    }

    fn find(&self, provider: &str, model: &str) -> Option<(&Provider, &ModelInfo)> {
        let provider = self.find_provider(&normalize(provider))?;
        let model = normalize(model);
        if let Some(found) = self.find_model(provider, &model) {
            return Some(found);
        }
        let mut rest = model.as_str();
        while let Some((vendor, name)) = rest.split_once('/') {
            rest = name;
            if let Some(found) = self.find_model(provider, name) {
                return Some(found);
            }
            if let Some(vendor) = self.find_provider(vendor)
                && vendor.id != provider.id
                && let Some(found) = self.find_model(vendor, name)
            {
                return Some(found);
            }
        }
        None
    }

    fn find_provider(&self, id: &str) -> Option<&Provider> {
        if id.is_empty() {
            return None;
        }
        self.providers.iter().find(|p| p.id == id).or_else(|| {
            self.providers
                .iter()
                .find(|p| p.provider_match.as_ref().is_some_and(|m| m.is_match(id)))
        })
    }

    /// `model` (normalized) among `provider`'s models, then among those of
    /// its fallback providers.
    fn find_model<'t>(
        &'t self,
        provider: &'t Provider,
        model: &str,
    ) -> Option<(&'t Provider, &'t ModelInfo)> {
        let own = |p: &'t Provider| {
            p.models
                .iter()
                .find(|m| m.matcher.is_match(model))
                .map(|m| (p, m))
        };
        own(provider).or_else(|| {
            provider
                .fallback_model_providers
                .iter()
                .filter_map(|id| self.providers.iter().find(|p| &p.id == id))
                .find_map(own)
        })
    }
}

/// Prices by provider and model: the bundled [`PriceTable`], or a
/// [`Pricing`] that consults the user's overrides first.
pub trait Prices {
    /// The price of `model` served by `provider` in force at `at`, and where
    /// it comes from; `None` when unknown.
    fn model_price(&self, provider: &str, model: &str, at: DateTime<Utc>) -> Option<ResolvedPrice>;

    /// The cost in USD of `usage` of `model` served by `provider` at `at`;
    /// `None` when the model or a needed price is unknown.
    ///
    /// ```
    /// use chat_core::{Usage, cost::{PriceTable, Prices}};
    /// let usage = Usage {
    ///     input_tokens: 1_000_000,
    ///     output_tokens: 0,
    ///     reasoning_tokens: None,
    ///     cached_tokens: None,
    /// };
    /// let table = PriceTable::bundled();
    /// assert_eq!(table.cost("openai", "gpt-4o", &usage, chrono::Utc::now()), Some(2.5));
    /// assert_eq!(table.cost("ollama", "llama3", &usage, chrono::Utc::now()), None);
    /// ```
    fn cost(&self, provider: &str, model: &str, usage: &Usage, at: DateTime<Utc>) -> Option<f64> {
        self.model_price(provider, model, at)?.price.cost(usage)
    }
}

impl Prices for PriceTable {
    fn model_price(&self, provider: &str, model: &str, at: DateTime<Utc>) -> Option<ResolvedPrice> {
        let (provider, model) = self.find(provider, model)?;
        Some(ResolvedPrice {
            provider_id: provider.id.clone(),
            provider_name: provider.name.clone(),
            model_id: model.id.clone(),
            model_name: model.name.clone(),
            source: PriceSource::Table,
            price: model.prices.at(at)?.clone(),
        })
    }
}

fn normalize(name: &str) -> String {
    name.trim().to_lowercase()
}
