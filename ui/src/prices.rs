//! The price editor of Settings: the rows as typed, and the price overrides
//! (USD per million tokens) they stand for, or an error that names the row
//! and the field at fault so nothing is saved half-read.

use std::collections::BTreeMap;

use chat_core::cost::PriceOverride;

use crate::types::{ProviderConfig, ServedBy};

/// One price as the user typed it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PriceRow {
    /// Who serves the answers it prices: the name the shell gives a
    /// provider entry (`ServedBy::name`), which answers are priced under.
    pub provider: String,
    /// A model name, or a prefix ending in `*`.
    pub model: String,
    pub input: String,
    pub output: String,
    /// Empty: cached input costs the input price.
    pub cached: String,
    /// Empty: reasoning costs the output price.
    pub reasoning: String,
}

/// The row's editable fields, in the order the editor shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceField {
    Provider,
    Model,
    Input,
    Output,
    Cached,
    Reasoning,
}

impl PriceRow {
    pub fn new(provider: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            ..Self::default()
        }
    }

    pub fn from_override(price: &PriceOverride) -> Self {
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        Self {
            provider: price.provider.clone(),
            model: price.model.clone(),
            input: number(Some(price.input_per_mtok)),
            output: number(Some(price.output_per_mtok)),
            cached: number(price.cached_input_per_mtok),
            reasoning: number(price.reasoning_per_mtok),
        }
    }

    pub fn get(&self, field: PriceField) -> &str {
        match field {
            PriceField::Provider => &self.provider,
            PriceField::Model => &self.model,
            PriceField::Input => &self.input,
            PriceField::Output => &self.output,
            PriceField::Cached => &self.cached,
            PriceField::Reasoning => &self.reasoning,
        }
    }

    pub fn set(&mut self, field: PriceField, value: String) {
        let slot = match field {
            PriceField::Provider => &mut self.provider,
            PriceField::Model => &mut self.model,
            PriceField::Input => &mut self.input,
            PriceField::Output => &mut self.output,
            PriceField::Cached => &mut self.cached,
            PriceField::Reasoning => &mut self.reasoning,
        };
        *slot = value;
    }

    /// A row with nothing typed in its model and prices is skipped on save.
    pub fn is_blank(&self) -> bool {
        [
            &self.model,
            &self.input,
            &self.output,
            &self.cached,
            &self.reasoning,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

impl PriceField {
    /// The field's heading in the editor.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Provider => "Provider",
            Self::Model => "Model",
            Self::Input => "Input",
            Self::Output => "Output",
            Self::Cached => "Cached input",
            Self::Reasoning => "Reasoning",
        }
    }

    /// The field's name in element ids and names (`price-1-model`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Model => "model",
            Self::Input => "input",
            Self::Output => "output",
            Self::Cached => "cached",
            Self::Reasoning => "reasoning",
        }
    }

    /// How the field is named in errors.
    pub fn label(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Model => "model",
            Self::Input => "input price",
            Self::Output => "output price",
            Self::Cached => "cached input price",
            Self::Reasoning => "reasoning price",
        }
    }
}

/// The provider choices of the editor, `(value, label)`: who answers
/// through each configured entry, as the shell names it (`served`, by entry
/// id), then any other provider a row already names. An entry is labelled
/// by its own name, and by the server's too when that differs (the OpenAI
/// entry pointed at a local server: `OpenAI — openai-compatible (…)`).
pub fn provider_choices(
    providers: &[ProviderConfig],
    served: &BTreeMap<String, ServedBy>,
    rows: &[PriceRow],
) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = Vec::new();
    for provider in providers {
        let name = served
            .get(&provider.id)
            .map_or(provider.id.as_str(), |s| s.name.as_str());
        let label = if name.eq_ignore_ascii_case(&provider.name) {
            provider.name.clone()
        } else {
            format!("{} — {name}", provider.name)
        };
        if !choices.iter().any(|(value, _)| value == name) {
            choices.push((name.to_owned(), label));
        }
    }
    for row in rows {
        if !row.provider.is_empty() && !choices.iter().any(|(value, _)| *value == row.provider) {
            choices.push((row.provider.clone(), row.provider.clone()));
        }
    }
    choices
}

/// The overrides the rows stand for, blank rows left out; the first problem
/// as a sentence naming the row (from 1) and the field.
pub fn overrides(rows: &[PriceRow]) -> Result<Vec<PriceOverride>, String> {
    let mut prices = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let at = |field: PriceField, problem: &str| {
            let model = row.model.trim();
            let name = if model.is_empty() {
                String::new()
            } else {
                format!(" ({model})")
            };
            format!("Price {}{name}: the {} {problem}", index + 1, field.label())
        };
        for field in [PriceField::Provider, PriceField::Model] {
            if row.get(field).trim().is_empty() {
                return Err(at(field, "is missing."));
            }
        }
        let required = |field: PriceField| -> Result<f64, String> {
            parse_price(row.get(field))?.ok_or_else(|| "is missing.".to_owned())
        };
        let optional = |field: PriceField| parse_price(row.get(field));
        let price = PriceOverride {
            provider: row.provider.trim().to_owned(),
            model: row.model.trim().to_owned(),
            input_per_mtok: required(PriceField::Input).map_err(|p| at(PriceField::Input, &p))?,
            output_per_mtok: required(PriceField::Output)
                .map_err(|p| at(PriceField::Output, &p))?,
            cached_input_per_mtok: optional(PriceField::Cached)
                .map_err(|p| at(PriceField::Cached, &p))?,
            reasoning_per_mtok: optional(PriceField::Reasoning)
                .map_err(|p| at(PriceField::Reasoning, &p))?,
        };
        prices.push(price);
    }
    Ok(prices)
}

/// `""` is no price; `"2.5"`, `"$2.50"` and `" 0 "` are prices in USD per
/// million tokens; anything else, negative or not finite is refused with
/// the rest of a sentence.
fn parse_price(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = text.strip_prefix('$').unwrap_or(text).trim();
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
        Ok(_) => Err(format!(
            "“{text}” must be a number of US dollars ≥ 0 per million tokens."
        )),
        Err(_) => Err(format!(
            "“{text}” is not a number (US dollars per million tokens, e.g. 2.50)."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row as typed: `provider|model|input|output|cached|reasoning`.
    fn row(typed: &str) -> PriceRow {
        let fields: Vec<String> = typed.split('|').map(str::to_owned).collect();
        let Ok([provider, model, input, output, cached, reasoning]) =
            <[String; 6]>::try_from(fields)
        else {
            panic!("six fields: {typed}");
        };
        PriceRow {
            provider,
            model,
            input,
            output,
            cached,
            reasoning,
        }
    }

    #[test]
    fn rows_become_overrides_and_back() {
        let rows = [
            row("openai| gpt-4o |2.5|$10||"),
            row("ollama|llama3*|0|0|0| 1e-1 "),
        ];
        let prices = overrides(&rows).unwrap();
        assert_eq!(
            prices,
            [
                PriceOverride::new("openai", "gpt-4o", 2.5, 10.0),
                PriceOverride {
                    cached_input_per_mtok: Some(0.0),
                    reasoning_per_mtok: Some(0.1),
                    ..PriceOverride::new("ollama", "llama3*", 0.0, 0.0)
                },
            ]
        );
        for price in &prices {
            assert_eq!(
                overrides(&[PriceRow::from_override(price)]).unwrap(),
                std::slice::from_ref(price)
            );
        }
    }

    #[test]
    fn blank_rows_are_left_out() {
        let rows = [PriceRow::new("openai"), row("openai|  || ||")];
        assert_eq!(overrides(&rows).unwrap(), []);
    }

    #[test]
    fn each_problem_names_the_row_and_the_field() {
        let rows = [
            "|gpt-4o|1|2||",
            "openai||1|2||",
            "openai|gpt-4o||2||",
            "openai|gpt-4o|1|ten||",
            "openai|gpt-4o|1|2|-0.5|",
            "openai|gpt-4o|1|2||inf",
            "openai|gpt-4o|NaN|2||",
        ];
        let errors = "\
Price 2 (gpt-4o): the provider is missing.
Price 2: the model is missing.
Price 2 (gpt-4o): the input price is missing.
Price 2 (gpt-4o): the output price “ten” is not a number (US dollars per million tokens, e.g. 2.50).
Price 2 (gpt-4o): the cached input price “-0.5” must be a number of US dollars ≥ 0 per million tokens.
Price 2 (gpt-4o): the reasoning price “inf” must be a number of US dollars ≥ 0 per million tokens.
Price 2 (gpt-4o): the input price “NaN” must be a number of US dollars ≥ 0 per million tokens.";
        assert_eq!(errors.lines().count(), rows.len());
        let valid = row("openai|gpt-4o-mini|1|2||");
        for (bad, expected) in rows.into_iter().zip(errors.lines()) {
            assert_eq!(
                overrides(&[valid.clone(), row(bad)]).unwrap_err(),
                expected,
                "{bad}"
            );
        }
    }

    #[test]
    fn choices_name_who_answers_through_each_entry() {
        let entry = |id: &str, name: &str| ProviderConfig {
            id: id.into(),
            name: name.into(),
            kind: crate::types::ProviderKind::OpenAi,
            base_url: String::new(),
            price_provider: None,
            models: Vec::new(),
        };
        let served = |name: &str, table: Option<&str>| ServedBy {
            name: name.into(),
            price_provider: table.map(Into::into),
        };
        let providers = [
            entry("openai", "OpenAI"),
            entry("groq", "Groq"),
            entry("ollama", "Ollama"),
            entry("studio", "LM Studio"),
        ];
        let by_id = BTreeMap::from([
            ("openai".to_owned(), served("openai", Some("openai"))),
            (
                "groq".to_owned(),
                served("openai-compatible (127.0.0.1:8080)", None),
            ),
            ("ollama".to_owned(), served("Ollama", None)),
        ]);
        let rows = [row("openai|gpt-4o|1|2||"), row("old-box|llama3*|0|0||")];
        assert_eq!(
            provider_choices(&providers, &by_id, &rows),
            [
                ("openai".to_owned(), "OpenAI".to_owned()),
                (
                    "openai-compatible (127.0.0.1:8080)".to_owned(),
                    "Groq — openai-compatible (127.0.0.1:8080)".to_owned()
                ),
                ("Ollama".to_owned(), "Ollama".to_owned()),
                ("studio".to_owned(), "LM Studio — studio".to_owned()),
                ("old-box".to_owned(), "old-box".to_owned()),
            ]
        );
    }

    #[test]
    fn what_the_editor_accepts_the_shell_accepts() {
        let rows = [row("openai|gpt-4o|$0|1e3|0.001|7")];
        for price in overrides(&rows).unwrap() {
            assert!(price.validate().is_ok(), "{price:?}");
        }
    }
}
