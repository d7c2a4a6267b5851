//! User price overrides, consulted before the table: for models the table
//! lacks (local servers, fine-tunes, new releases) or negotiated prices.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::price::{ModelPrice, Rate};
use super::{PriceSource, PriceTable, Prices, ResolvedPrice, normalize};
use crate::validate::{FieldError, ValidationErrors};

/// A user's own price for a provider's model(s), in USD per million tokens.
/// Serializes as camelCase JSON for the app's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceOverride {
    /// Provider id, case-insensitive (`ollama`, `openai`); table aliases
    /// count (`xai` matches `x-ai`).
    pub provider: String,
    /// Model name, case-insensitive. A trailing `*` matches every model that
    /// starts with the rest (`llama3*`); `*` alone matches all the
    /// provider's models. An exact name beats a pattern, a longer pattern a
    /// shorter one, and an earlier override a later one.
    pub model: String,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    /// Price of cached input tokens; when absent they cost `input_per_mtok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_mtok: Option<f64>,
    /// Price of reasoning tokens; when absent they cost `output_per_mtok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_per_mtok: Option<f64>,
}

impl PriceOverride {
    /// An override with input and output prices only.
    pub fn new(provider: &str, model: &str, input_per_mtok: f64, output_per_mtok: f64) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
            input_per_mtok,
            output_per_mtok,
            cached_input_per_mtok: None,
            reasoning_per_mtok: None,
        }
    }

    /// The prices as a [`ModelPrice`].
    pub fn price(&self) -> ModelPrice {
        ModelPrice {
            input_mtok: Some(Rate::Flat(self.input_per_mtok)),
            cache_read_mtok: self.cached_input_per_mtok.map(Rate::Flat),
            output_mtok: Some(Rate::Flat(self.output_per_mtok)),
            output_reasoning_mtok: self.reasoning_per_mtok.map(Rate::Flat),
            requests_kcount: None,
        }
    }

    /// Checks what a settings form should refuse: empty names, prices that
    /// are not finite numbers ≥ 0. Paths are the camelCase field names.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        for (path, value) in [("provider", &self.provider), ("model", &self.model)] {
            if value.trim().is_empty() {
                errors.push(FieldError::new(path, "must not be empty"));
            }
        }
        let prices = [
            ("inputPerMtok", Some(self.input_per_mtok)),
            ("outputPerMtok", Some(self.output_per_mtok)),
            ("cachedInputPerMtok", self.cached_input_per_mtok),
            ("reasoningPerMtok", self.reasoning_per_mtok),
        ];
        for (path, price) in prices {
            if let Some(price) = price
                && !(price.is_finite() && price >= 0.0)
            {
                errors.push(FieldError::new(path, "must be a finite number ≥ 0"));
            }
        }
        ValidationErrors::new(errors).map_or(Ok(()), Err)
    }

    /// How specifically this override names `model` (normalized): `None` when
    /// it does not, a larger number for a closer match.
    fn model_specificity(&self, model: &str) -> Option<usize> {
        let pattern = normalize(&self.model);
        match pattern.strip_suffix('*') {
            Some(prefix) => model.starts_with(prefix).then_some(prefix.len()),
            None => (pattern == model).then_some(usize::MAX),
        }
    }
}

/// A price table with user overrides consulted first.
#[derive(Debug, Clone)]
pub struct Pricing<'t> {
    table: &'t PriceTable,
    overrides: Vec<PriceOverride>,
}

impl Pricing<'static> {
    /// The bundled table with `overrides`.
    pub fn bundled(overrides: Vec<PriceOverride>) -> Self {
        Self::new(PriceTable::bundled(), overrides)
    }
}

impl<'t> Pricing<'t> {
    pub fn new(table: &'t PriceTable, overrides: Vec<PriceOverride>) -> Self {
        Self { table, overrides }
    }

    pub fn table(&self) -> &'t PriceTable {
        self.table
    }

    pub fn overrides(&self) -> &[PriceOverride] {
        &self.overrides
    }

    /// The override that applies to `provider` and `model`, if any.
    pub fn find_override(&self, provider: &str, model: &str) -> Option<&PriceOverride> {
        let provider = normalize(provider);
        let table_id = self.table.provider_id(&provider);
        let model = normalize(model);
        let mut best: Option<(usize, &PriceOverride)> = None;
        for candidate in &self.overrides {
            let candidate_provider = normalize(&candidate.provider);
            let same_provider = candidate_provider == provider
                || (table_id.is_some() && self.table.provider_id(&candidate_provider) == table_id);
            if !same_provider {
                continue;
            }
            if let Some(score) = candidate.model_specificity(&model)
                && best.is_none_or(|(best_score, _)| score > best_score)
            {
                best = Some((score, candidate));
            }
        }
        best.map(|(_, found)| found)
    }
}

impl Prices for Pricing<'_> {
    /// The override's price if one applies, else the table's.
    fn model_price(&self, provider: &str, model: &str, at: DateTime<Utc>) -> Option<ResolvedPrice> {
        match self.find_override(provider, model) {
            Some(found) => Some(ResolvedPrice {
                provider_id: found.provider.clone(),
                provider_name: found.provider.clone(),
                model_id: found.model.clone(),
                model_name: None,
                source: PriceSource::Override,
                price: found.price(),
            }),
            None => self.table.model_price(provider, model, at),
        }
    }
}
