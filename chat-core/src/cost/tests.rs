//! Figures below are worked out by hand from `data_slim.json` (USD per
//! million tokens) and written as sums so that the arithmetic is visible.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn table() -> &'static PriceTable {
    PriceTable::bundled()
}

pub(super) fn usage(input: i64, output: i64, cached: Option<i64>, reasoning: Option<i64>) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        reasoning_tokens: reasoning,
        cached_tokens: cached,
    }
}

/// The bundled table's cost of `usage` of `model` served by `provider` at `at`.
fn cost(provider: &str, model: &str, usage: Usage, at: DateTime<Utc>) -> Option<f64> {
    table().cost(provider, model, &usage, at)
}

/// Asserts the table's provider and model ids for `model` served by `provider`.
#[track_caller]
fn assert_resolved(provider: &str, model: &str, expected: (&str, &str)) {
    let price = table().model_price(provider, model, now()).unwrap();
    assert_eq!(
        (price.provider_id.as_str(), price.model_id.as_str()),
        expected
    );
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn now() -> DateTime<Utc> {
    at(2026, 8, 1, 12, 0)
}

#[track_caller]
fn assert_usd(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a price");
    assert!(
        (actual - expected).abs() <= 1e-12 * expected.abs().max(1.0),
        "{actual} != {expected}"
    );
}

#[test]
fn the_bundled_table_parses() {
    let ids: Vec<&str> = table().provider_ids().collect();
    assert!(ids.len() >= 30, "{ids:?}");
    for id in [
        "openai",
        "anthropic",
        "google",
        "openrouter",
        "deepseek",
        "x-ai",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
}

#[test]
fn one_million_gpt_4o_input_tokens_cost_the_listed_price() {
    assert_usd(
        cost("openai", "gpt-4o", usage(1_000_000, 0, None, None), now()),
        2.5,
    );
    assert_usd(
        cost("openai", "gpt-4o", usage(0, 1_000_000, None, None), now()),
        10.0,
    );
    let price = table()
        .model_price("openai", "gpt-4o-2024-08-06", now())
        .unwrap();
    assert_eq!(price.model_id, "gpt-4o");
    assert_eq!(price.provider_name, "OpenAI");
    assert_eq!(price.source, PriceSource::Table);
    assert_eq!(price.price.input_mtok, Some(Rate::Flat(2.5)));
    assert_eq!(price.price.cache_read_mtok, Some(Rate::Flat(1.25)));
}

#[test]
fn gpt_4o_with_cached_input() {
    let u = usage(10_000, 1_000, Some(2_000), None);
    // 8,000 uncached × 2.5 + 2,000 cached × 1.25 + 1,000 output × 10
    let expected = (8_000.0 * 2.5 + 2_000.0 * 1.25 + 1_000.0 * 10.0) / 1e6;
    assert_usd(cost("openai", "gpt-4o", u, now()), expected);
}

#[test]
fn gpt_4o_mini() {
    let u = usage(120_000, 4_000, Some(100_000), None);
    let expected = (20_000.0 * 0.15 + 100_000.0 * 0.075 + 4_000.0 * 0.6) / 1e6;
    assert_usd(cost("openai", "gpt-4o-mini-2024-07-18", u, now()), expected);
}

#[test]
fn o3_reasoning_is_billed_once_at_the_price_of_its_date() {
    // 4,000 of the 5,000 output tokens are reasoning: billed as output, once.
    let u = usage(1_000, 5_000, None, Some(4_000));
    // From 2025-06-10 on: 2 in, 8 out; before: 10 in, 40 out.
    let current = (1_000.0 * 2.0 + 5_000.0 * 8.0) / 1e6;
    let earlier = (1_000.0 * 10.0 + 5_000.0 * 40.0) / 1e6;
    for (model, when, expected) in [
        ("o3", now(), current),
        ("o3", at(2025, 6, 10, 0, 0), current),
        ("o3", at(2025, 6, 9, 23, 59), earlier),
        ("o4-mini", now(), (1_000.0 * 1.1 + 5_000.0 * 4.4) / 1e6),
    ] {
        assert_usd(cost("openai", model, u, when), expected);
    }
}

#[test]
fn claude_sonnet_with_cache_read_and_tiers() {
    // claude-sonnet-4-5: 3 in, 0.3 cache read, 15 out; above 200k input: 6, 0.6, 22.5.
    let model = "claude-sonnet-4-5-20250929";
    for (u, expected) in [
        (
            usage(100_000, 2_000, Some(80_000), None),
            (20_000.0 * 3.0 + 80_000.0 * 0.3 + 2_000.0 * 15.0) / 1e6,
        ),
        (
            usage(300_000, 1_000, Some(100_000), None),
            (200_000.0 * 6.0 + 100_000.0 * 0.6 + 1_000.0 * 22.5) / 1e6,
        ),
        // The tier starts *above* 200,000 input tokens.
        (usage(200_000, 0, None, None), 200_000.0 * 3.0 / 1e6),
    ] {
        assert_usd(cost("anthropic", model, u, now()), expected);
    }
}

#[test]
fn tiers_end_on_a_date() {
    // claude-sonnet-4-6 drops its long-context tier from 2026-03-13.
    let long = usage(300_000, 0, None, None);
    let model = "claude-sonnet-4-6";
    let before = cost("anthropic", model, long, at(2026, 3, 12, 23, 0));
    assert_usd(before, 300_000.0 * 6.0 / 1e6);
    let after = cost("anthropic", model, long, at(2026, 3, 13, 0, 0));
    assert_usd(after, 300_000.0 * 3.0 / 1e6);
}

#[test]
fn deepseek_off_peak_hours() {
    // 0.27 in between 00:30 and 16:30 UTC, 0.135 otherwise.
    let u = usage(1_000_000, 0, None, None);
    for ((hour, minute), expected) in [
        ((12, 0), 0.27),
        ((0, 30), 0.27),
        ((0, 29), 0.135),
        ((16, 30), 0.135),
    ] {
        let when = at(2026, 1, 5, hour, minute);
        assert_usd(cost("deepseek", "deepseek-chat", u, when), expected);
    }
}

#[test]
fn separately_priced_reasoning() {
    // sonar-deep-research: 8 out, 3 for reasoning.
    let u = usage(0, 1_000_000, None, Some(600_000));
    let expected = (400_000.0 * 8.0 + 600_000.0 * 3.0) / 1e6;
    assert_usd(
        cost("perplexity", "sonar-deep-research", u, now()),
        expected,
    );
}

#[test]
fn unknown_providers_and_models_have_no_price() {
    let u = usage(1_000, 1_000, None, None);
    assert_eq!(table().cost("openai", "gpt-99-ultra", &u, now()), None);
    assert_eq!(table().cost("ollama", "llama3.1:8b", &u, now()), None);
    assert_eq!(table().cost("", "gpt-4o", &u, now()), None);
    assert_eq!(table().cost("openai", "", &u, now()), None);
    assert!(table().model_price("lmstudio", "gpt-4o", now()).is_none());
}

#[test]
fn provider_aliases_and_case() {
    let u = usage(1_000_000, 0, None, None);
    assert_usd(table().cost(" OpenAI ", "GPT-4o", &u, now()), 2.5);
    assert_eq!(table().provider_id("xai"), Some("x-ai"));
    assert_eq!(table().provider_id("gemini"), Some("google"));
    assert_eq!(table().provider_id("together-ai"), Some("together"));
    assert_eq!(table().provider_id("nope"), None);
    assert_usd(table().cost("xai", "grok-3", &u, now()), 3.0);
    assert_eq!(
        table().guess_provider("claude-3-5-sonnet-latest"),
        Some("anthropic")
    );
    assert_eq!(table().guess_provider("gpt-4o"), Some("openai"));
    assert_eq!(table().guess_provider("llama3"), None);
}

#[test]
fn vendor_prefixed_model_names() {
    let u = usage(1_000_000, 0, Some(500_000), None);
    // OpenRouter's own entry for openai/gpt-4o has no cache price: all input at 2.5.
    assert_resolved(
        "openrouter",
        "openai/gpt-4o",
        ("openrouter", "openai/gpt-4o"),
    );
    assert_usd(table().cost("openrouter", "openai/gpt-4o", &u, now()), 2.5);
    // Not in OpenRouter's list: the vendor's price.
    assert_resolved(
        "openrouter",
        "anthropic/claude-sonnet-4-5",
        ("anthropic", "claude-sonnet-4-5"),
    );
    // The provider's own name with a vendor or API prefix.
    assert_usd(
        table().cost("openai", "openai/gpt-4o", &u, now()),
        (500_000.0 * 2.5 + 500_000.0 * 1.25) / 1e6,
    );
    assert_eq!(
        table()
            .model_price("google", "models/gemini-2.5-pro", now())
            .unwrap()
            .model_id,
        "gemini-2.5-pro"
    );
}

#[test]
fn fallback_providers_serve_their_models() {
    // Azure lists no gpt-4o of its own and falls back to OpenAI's.
    assert_resolved("azure", "gpt-4o", ("openai", "gpt-4o"));
}

#[test]
fn overrides_come_first() {
    let pricing = table().with_overrides(vec![
        PriceOverride::new("ollama", "*", 0.0, 0.0),
        PriceOverride::new("ollama", "llama3*", 0.1, 0.2),
        PriceOverride::new("ollama", "llama3.1:70b", 0.5, 1.0),
        PriceOverride {
            cached_input_per_mtok: Some(0.5),
            reasoning_per_mtok: Some(4.0),
            ..PriceOverride::new("OpenAI", "gpt-4o", 2.0, 8.0)
        },
    ]);
    let u = usage(1_000_000, 1_000_000, Some(400_000), Some(250_000));
    assert_usd(pricing.cost("ollama", "qwen2.5", &u, now()), 0.0);
    assert_usd(pricing.cost("ollama", "llama3.2", &u, now()), 0.1 + 0.2);
    assert_usd(pricing.cost("ollama", "LLAMA3.1:70B", &u, now()), 0.5 + 1.0);
    assert_usd(
        pricing.cost("openai", "gpt-4o", &u, now()),
        (600_000.0 * 2.0 + 400_000.0 * 0.5 + 750_000.0 * 8.0 + 250_000.0 * 4.0) / 1e6,
    );
    // Not overridden: the table.
    assert_usd(
        pricing.cost(
            "openai",
            "gpt-4o-mini",
            &usage(1_000_000, 0, None, None),
            now(),
        ),
        0.15,
    );
    let resolved = pricing.model_price("ollama", "llama3.2", now()).unwrap();
    assert_eq!(resolved.source, PriceSource::Override);
    assert_eq!(resolved.model_id, "llama3*");
    assert!(pricing.find_override("lmstudio", "llama3").is_none());
}

#[test]
fn overrides_match_table_aliases() {
    let pricing = Pricing::bundled(vec![PriceOverride::new("xai", "grok-3", 1.0, 1.0)]);
    assert!(pricing.find_override("x-ai", "grok-3").is_some());
    assert!(pricing.find_override("X-AI", "GROK-3").is_some());
}

#[test]
fn invalid_overrides_are_reported_and_price_nothing() {
    let bad = PriceOverride {
        cached_input_per_mtok: Some(f64::NAN),
        ..PriceOverride::new(" ", "m", -1.0, 1.0)
    };
    let errors = bad.validate().unwrap_err();
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["provider", "inputPerMtok", "cachedInputPerMtok"]);
    assert!(
        PriceOverride::new("ollama", "*", 0.0, 0.0)
            .validate()
            .is_ok()
    );
    let pricing = Pricing::bundled(vec![PriceOverride::new("openai", "gpt-4o", -1.0, 1.0)]);
    assert_eq!(
        pricing.cost("openai", "gpt-4o", &usage(1, 1, None, None), now()),
        None
    );
}

#[test]
fn overrides_serialize_as_camel_case() {
    let o = PriceOverride {
        cached_input_per_mtok: Some(0.25),
        ..PriceOverride::new("ollama", "llama3*", 0.0, 0.5)
    };
    let json = serde_json::to_string(&o).unwrap();
    assert_eq!(
        json,
        r#"{"provider":"ollama","model":"llama3*","inputPerMtok":0.0,"outputPerMtok":0.5,"cachedInputPerMtok":0.25}"#
    );
    assert_eq!(serde_json::from_str::<PriceOverride>(&json).unwrap(), o);
    assert!(
        serde_json::from_str::<PriceOverride>(
            r#"{"provider":"a","model":"b","inputPerMtok":1,"outputPerMtok":1,"typo":1}"#
        )
        .is_err()
    );
}

#[test]
fn from_json_reads_a_minimal_table_and_rejects_garbage() {
    let table = PriceTable::from_json(
        r#"[{"id": "acme", "name": "Acme", "api_pattern": "x", "models": [
            {"id": "rocket", "match": {"starts_with": "rocket"},
             "prices": {"input_mtok": {"base": 1, "tiers": [{"start": 10, "price": 3}, {"start": 5, "price": 2}]}, "output_mtok": 4}}
        ]}]"#,
    )
    .unwrap();
    // Tiers are sorted on load: 7 input tokens are past the 5 but not the 10.
    assert_usd(
        table.cost("acme", "rocket-1", &usage(7, 0, None, None), now()),
        7.0 * 2.0 / 1e6,
    );
    assert_usd(
        table.cost("acme", "rocket-1", &usage(11, 0, None, None), now()),
        11.0 * 3.0 / 1e6,
    );
    assert!(PriceTable::from_json("{}").is_err());
    assert!(PriceTable::from_json(r#"[{"id": "a", "name": "A", "models": [{"id": "m", "match": {"regex": "("}, "prices": {}}]}]"#).is_err());
}

#[test]
fn every_bundled_model_prices_plain_text_usage_sanely() {
    let u = usage(10_000, 0, None, None);
    let mut priced = 0;
    for provider in &table().providers {
        for model in &provider.models {
            for when in [at(2024, 1, 1, 3, 0), now(), at(2027, 6, 1, 12, 0)] {
                let price = model.prices.at(when).unwrap();
                if let Some(cost) = price.cost(&u) {
                    assert!(
                        cost.is_finite() && cost >= 0.0,
                        "{}/{}",
                        provider.id,
                        model.id
                    );
                    priced += 1;
                }
            }
        }
    }
    assert!(priced > 3_000, "{priced}");
}

fn valid_usage() -> impl Strategy<Value = Usage> {
    (0..10_000_000i64, 0..1_000_000i64)
        .prop_flat_map(|(input, output)| (Just(input), Just(output), 0..=input, 0..=output))
        .prop_map(|(input, output, cached, reasoning)| {
            usage(input, output, Some(cached), Some(reasoning))
        })
}

proptest! {
    #[test]
    fn flat_override_cost_is_the_formula(
        u in valid_usage(),
        input in 0.0..100.0f64,
        cached in 0.0..100.0f64,
        output in 0.0..100.0f64,
    ) {
        let o = PriceOverride { cached_input_per_mtok: Some(cached), ..PriceOverride::new("p", "m", input, output) };
        let cost = o.price().cost(&u).unwrap();
        let cached_tokens = u.cached_tokens.unwrap() as f64;
        let expected = ((u.input_tokens as f64 - cached_tokens) * input
            + cached_tokens * cached
            + u.output_tokens as f64 * output) / 1e6;
        prop_assert!((cost - expected).abs() <= 1e-9 * expected.max(1.0));
    }

    #[test]
    fn caching_never_costs_more_on_gpt_4o(u in valid_usage()) {
        let uncached = Usage { cached_tokens: None, ..u };
        let with_cache = table().cost("openai", "gpt-4o", &u, now()).unwrap();
        let without = table().cost("openai", "gpt-4o", &uncached, now()).unwrap();
        prop_assert!(with_cache <= without + 1e-12);
    }

    #[test]
    fn reasoning_share_does_not_change_the_cost_without_a_reasoning_price(u in valid_usage()) {
        let no_reasoning = Usage { reasoning_tokens: None, ..u };
        let a = table().cost("anthropic", "claude-sonnet-4-5", &u, now()).unwrap();
        let b = table().cost("anthropic", "claude-sonnet-4-5", &no_reasoning, now()).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn more_output_never_costs_less(u in valid_usage(), extra in 0..1_000_000i64) {
        let more = Usage { output_tokens: u.output_tokens + extra, ..u };
        let a = table().cost("openai", "o3", &u, now()).unwrap();
        let b = table().cost("openai", "o3", &more, now()).unwrap();
        prop_assert!(b >= a);
    }

    #[test]
    fn lookups_never_panic(provider in "\\PC{0,20}", model in "[a-z0-9/.:-]{0,40}", input in any::<i64>(), output in any::<i64>()) {
        let u = usage(input, output, None, None);
        if let Some(cost) = table().cost(&provider, &model, &u, now()) {
            prop_assert!(cost.is_finite() && cost >= 0.0);
        }
    }
}
