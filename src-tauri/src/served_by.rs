//! Who served an answer: the name a share gives it and the prices it is
//! charged at, worked out from the provider entry it was sent through.
//!
//! A provider entry is the user's: its name, wire format and base URL can
//! all be changed, so the entry's id says nothing about who answers. The
//! built-in OpenAI entry pointed at a llama.cpp server on localhost still
//! carries the price-table id `openai`, and a model name such as
//! `gpt-4o-mini` would then find OpenAI's price for an answer OpenAI never
//! produced. So:
//!
//! - **Priced from the bundled table** only when the endpoint is who the
//!   table id says: for the vendors Parlor ships entries for (OpenAI,
//!   Anthropic, OpenRouter, Groq) the base URL must be `https://` on that
//!   vendor's own API host. Any other price-table id set on an entry is the
//!   user's own statement of who serves it (Parlor cannot check those hosts)
//!   and is taken at its word.
//! - **Otherwise** (localhost, a proxy, LM Studio, llama.cpp, vLLM, Ollama…)
//!   only the user's own prices apply, looked up under [`ServedBy::name`]
//!   exactly (never through the table's aliases: `openai-compatible (…)`
//!   must not pick up a price saved for OpenAI); without one the cost is
//!   unknown, never a guess.
//!
//! The name shares carry (`provider` of each answer, `modelConfig.provider`)
//! never claims a vendor the answer did not come from. In order:
//!
//! 1. the price-table id, when the table applies (`openai`, `anthropic`);
//! 2. the entry's own price id, when it is not a price-table provider (a
//!    price key of the user's, such as `lab-gpu`);
//! 3. the entry's name, unless the price table would read it as a vendor
//!    (`LM Studio`, `Ollama`, `my llama.cpp` stay; `OpenAI`, `Groq`, `My
//!    Anthropic proxy` do not);
//! 4. the wire format and the address: `openai-compatible (127.0.0.1:8080)`,
//!    `anthropic-compatible (proxy.example.com)`, `ollama (gpu-box:11434)`.
//!
//! Both the price editor of Settings (through the settings view) and the
//! `model_price` command use [`ServedBy::of`], so the price a user types is
//! filed under the very key the answers are priced by. Each answer records
//! its `ServedBy` when it is generated: editing or renaming the entry later
//! does not rewrite history.

use std::sync::LazyLock;

use chat_core::Usage;
use chat_core::cost::{PriceTable, Prices, Pricing, ResolvedPrice};
use chat_core::limits::MAX_PROVIDER_BYTES;
use chrono::{DateTime, Utc};

use crate::settings::{ProviderConfig, ProviderKind, Settings};
use crate::store::{Store, StoreError};

/// The vendors whose own API hosts Parlor knows, by price-table id: their
/// table prices apply only there.
const VENDOR_HOSTS: &[(&str, &[&str])] = &[
    ("openai", &["api.openai.com"]),
    ("anthropic", &["api.anthropic.com"]),
    ("openrouter", &["openrouter.ai", "api.openrouter.ai"]),
    ("groq", &["api.groq.com"]),
];

/// A table with no provider: user prices looked up under an exact name.
static NO_TABLE: LazyLock<PriceTable> = LazyLock::new(PriceTable::default);

pub use contract::ServedBy;

/// Working out who serves a provider entry, and at what prices.
pub trait ServedByExt: Sized {
    /// Who answers through `provider` (see the module documentation).
    fn of(provider: &ProviderConfig, table: &PriceTable) -> Self;
    /// An entry that is no longer configured: nothing is known of it but
    /// its id, which is kept only if it names no vendor.
    fn unknown(provider_id: &str, table: &PriceTable) -> Self;
    /// The price of `model` from this server: the user's price, then (only
    /// when the table applies) the bundled one.
    fn price(&self, pricing: &Pricing<'_>, model: &str, at: DateTime<Utc>)
    -> Option<ResolvedPrice>;
    /// The cost in USD of `usage` of `model` from this server; `None` when
    /// no price applies.
    fn cost(
        &self,
        pricing: &Pricing<'_>,
        model: &str,
        usage: &Usage,
        at: DateTime<Utc>,
    ) -> Option<f64> {
        self.price(pricing, model, at)?.price.cost(usage)
    }
}

impl ServedByExt for ServedBy {
    /// Who answers through `provider` (see the module documentation).
    fn of(provider: &ProviderConfig, table: &PriceTable) -> Self {
        let url = url::Url::parse(provider.base_url.trim()).ok();
        let declared = provider
            .price_provider
            .as_deref()
            .map(clean)
            .filter(|id| !id.is_empty());
        let table_id = declared.as_deref().and_then(|id| table.provider_id(id));
        if let Some(table_id) = table_id {
            let trusted = match VENDOR_HOSTS.iter().find(|(id, _)| *id == table_id) {
                Some((_, hosts)) => url.as_ref().is_some_and(|url| is_on(url, hosts)),
                None => true,
            };
            if trusted {
                return Self {
                    name: table_id.to_owned(),
                    price_provider: Some(table_id.to_owned()),
                };
            }
        }
        let claims_vendor = |name: &str| table.provider_id(name).is_some();
        let name = declared
            .filter(|_| table_id.is_none())
            .into_iter()
            .chain([clean(&provider.name)])
            .find(|name| !name.is_empty() && !claims_vendor(name))
            .unwrap_or_else(|| wire_and_address(provider.kind, url.as_ref()));
        Self {
            name: fit(&name, MAX_PROVIDER_BYTES),
            price_provider: None,
        }
    }

    /// An entry that is no longer configured: nothing is known of it but
    /// its id, which is kept only if it names no vendor.
    fn unknown(provider_id: &str, table: &PriceTable) -> Self {
        let id = clean(provider_id);
        let name = if id.is_empty() || table.provider_id(&id).is_some() {
            "unknown provider".to_owned()
        } else {
            id
        };
        Self {
            name: fit(&name, MAX_PROVIDER_BYTES),
            price_provider: None,
        }
    }

    /// The price of `model` from this server: the user's price, then (only
    /// when the table applies) the bundled one.
    fn price(
        &self,
        pricing: &Pricing<'_>,
        model: &str,
        at: DateTime<Utc>,
    ) -> Option<ResolvedPrice> {
        match &self.price_provider {
            Some(table_id) => pricing.model_price(table_id, model, at),
            None => own_prices(pricing).model_price(&self.name, model, at),
        }
    }
}

/// Names who served the answers stored before the name was recorded, from
/// the provider entry each went through as it is now (all anyone knows of
/// them); from then on the name stays as recorded. Answers made since are
/// named when they are generated.
pub fn backfill(store: &Store, settings: &Settings) -> Result<(), StoreError> {
    let table = PriceTable::bundled();
    for provider_id in store.unnamed_answer_providers()? {
        let served = match settings.provider(&provider_id) {
            Some(provider) => ServedBy::of(provider, table),
            None => ServedBy::unknown(&provider_id, table),
        };
        store.name_unnamed_answers(&provider_id, &served.name, served.price_provider.as_deref())?;
    }
    Ok(())
}

/// The user's prices alone, matched by exact provider name.
fn own_prices<'a>(pricing: &Pricing<'_>) -> Pricing<'a> {
    Pricing::new(&NO_TABLE, pricing.overrides().to_vec())
}

/// `https://` on one of `hosts`, at the default port.
fn is_on(url: &url::Url, hosts: &[&str]) -> bool {
    url.scheme() == "https"
        && url.port().is_none()
        && url
            .host_str()
            .is_some_and(|host| hosts.iter().any(|h| host.eq_ignore_ascii_case(h)))
}

fn wire_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAi => "openai-compatible",
        ProviderKind::Anthropic => "anthropic-compatible",
        ProviderKind::Ollama => "ollama",
    }
}

/// `host` or `host:port` of the base URL (no scheme, path or credentials).
fn address(url: Option<&url::Url>) -> String {
    let address = match url.and_then(|url| Some((url.host_str()?, url.port()))) {
        Some((host, Some(port))) => format!("{host}:{port}"),
        Some((host, None)) => host.to_owned(),
        None => "unknown address".to_owned(),
    };
    clean(&address)
}

/// `openai-compatible (127.0.0.1:8080)`, the address shortened to fit.
fn wire_and_address(kind: ProviderKind, url: Option<&url::Url>) -> String {
    let prefix = format!("{} (", wire_name(kind));
    let room = MAX_PROVIDER_BYTES - prefix.len() - 1;
    format!("{prefix}{})", fit(&address(url), room))
}

/// Trimmed, without control characters (which a snapshot refuses).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// At most `max` bytes, cut on a character boundary and marked with `…`.
fn fit(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    const ELLIPSIS: char = '…';
    let mut end = max.saturating_sub(ELLIPSIS.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ELLIPSIS}", &text[..end])
}

#[cfg(test)]
mod tests {
    use chat_core::cost::{PriceOverride, PriceSource};

    use super::*;

    fn entry(id: &str) -> ProviderConfig {
        Settings::default()
            .providers
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    }

    fn at(mut provider: ProviderConfig, base_url: &str) -> ProviderConfig {
        provider.base_url = base_url.into();
        provider
    }

    fn named(mut provider: ProviderConfig, name: &str) -> ProviderConfig {
        provider.name = name.into();
        provider
    }

    fn custom(
        name: &str,
        kind: ProviderKind,
        base_url: &str,
        price: Option<&str>,
    ) -> ProviderConfig {
        ProviderConfig {
            id: "custom".into(),
            name: name.into(),
            kind,
            base_url: base_url.into(),
            price_provider: price.map(Into::into),
            models: Vec::new(),
        }
    }

    fn usage() -> Usage {
        Usage {
            input_tokens: 1_000_000,
            output_tokens: 1_000_000,
            reasoning_tokens: None,
            cached_tokens: None,
        }
    }

    #[test]
    fn the_table_applies_only_on_the_vendors_own_host() {
        use ProviderKind::{Ollama, OpenAi};
        let table = PriceTable::bundled();
        let openai_at = |base_url: &str| at(entry("openai"), base_url);
        // Priced by the bundled table, under the table's id.
        #[rustfmt::skip]
        let table_priced = [
            (entry("openai"), "openai"),
            (entry("anthropic"), "anthropic"),
            (entry("openrouter"), "openrouter"),
            (entry("groq"), "groq"),
            (openai_at("https://API.OpenAI.com/v1/"), "openai"),
            // A price-table id Parlor cannot check is the user's word.
            (custom("Together", OpenAi, "https://api.together.xyz/v1", Some("together")),
                "together"),
        ];
        // Priced by the user's prices only, under a name of their own.
        #[rustfmt::skip]
        let own = [
            // A vendor entry pointed elsewhere: named by its wire and address.
            (openai_at("http://127.0.0.1:8080/v1"), "openai-compatible (127.0.0.1:8080)"),
            (at(entry("anthropic"), "http://localhost:9000"),
                "anthropic-compatible (localhost:9000)"),
            (at(entry("groq"), "https://llm-proxy.example.com/groq/v1"),
                "openai-compatible (llm-proxy.example.com)"),
            // Look-alikes of the vendor's host are not the vendor.
            (openai_at("http://api.openai.com/v1"), "openai-compatible (api.openai.com)"),
            (openai_at("https://api.openai.com:8443/v1"),
                "openai-compatible (api.openai.com:8443)"),
            (openai_at("https://api.openai.com.example.net/v1"),
                "openai-compatible (api.openai.com.example.net)"),
            // A name of the user's own is kept, unless it names a vendor.
            (named(openai_at("http://127.0.0.1:8080/v1"), "llama.cpp on the desk"),
                "llama.cpp on the desk"),
            (named(openai_at("http://10.0.0.5/v1"), "My OpenAI proxy"),
                "openai-compatible (10.0.0.5)"),
            (entry("ollama"), "Ollama"),
            (custom("LM Studio", OpenAi, "http://127.0.0.1:1234/v1", None), "LM Studio"),
            (custom("Anthropic", Ollama, "http://gpu-box:11434", None), "ollama (gpu-box:11434)"),
            // A price key of the user's names the endpoint.
            (custom("Lab", OpenAi, "http://10.0.0.9/v1", Some("lab-gpu")), "lab-gpu"),
        ];
        let cases = table_priced
            .into_iter()
            .map(|(provider, id)| (provider, id, Some(id)))
            .chain(
                own.into_iter()
                    .map(|(provider, name)| (provider, name, None)),
            );
        for (provider, name, price_provider) in cases {
            let expected = ServedBy {
                name: name.into(),
                price_provider: price_provider.map(Into::into),
            };
            assert_eq!(
                ServedBy::of(&provider, table),
                expected,
                "{} at {}",
                provider.name,
                provider.base_url
            );
        }
    }

    #[test]
    fn names_fit_a_snapshot() {
        let long_host = format!("http://{}.example.com:8080/v1", "a".repeat(80));
        let served = ServedBy::of(&at(entry("openai"), &long_host), PriceTable::bundled());
        assert!(served.name.len() <= MAX_PROVIDER_BYTES, "{}", served.name);
        assert!(
            served.name.starts_with("openai-compatible (aaaa"),
            "{}",
            served.name
        );
        assert!(served.name.ends_with("…)"), "{}", served.name);

        let served = ServedBy::of(
            &named(entry("ollama"), &format!("{}\u{7}ö", "é".repeat(40))),
            PriceTable::bundled(),
        );
        assert!(served.name.len() <= MAX_PROVIDER_BYTES);
        assert!(!served.name.contains('\u{7}'));
        assert!(served.name.ends_with('…'));
    }

    #[test]
    fn a_vendor_entry_pointed_at_localhost_is_not_charged_the_vendors_price() {
        let pricing = Pricing::bundled(vec![PriceOverride::new("openai", "smollm2*", 5.0, 5.0)]);
        let now = Utc::now();
        let real = ServedBy::of(&entry("openai"), pricing.table());
        let bundled = real.cost(&pricing, "gpt-4o-mini", &usage(), now);
        assert!(bundled.is_some_and(|c| c > 0.0));

        let local = ServedBy::of(
            &at(entry("openai"), "http://127.0.0.1:8080/v1"),
            pricing.table(),
        );
        assert_eq!(local.cost(&pricing, "gpt-4o-mini", &usage(), now), None);
        assert_eq!(
            local.cost(&pricing, "smollm2", &usage(), now),
            None,
            "a price saved for OpenAI is not this server's"
        );
        assert_eq!(local.price(&pricing, "gpt-4o-mini", now), None);
    }

    #[test]
    fn a_user_price_prices_a_local_model_under_the_servers_name() {
        let studio = custom(
            "LM Studio",
            ProviderKind::OpenAi,
            "http://127.0.0.1:1234/v1",
            None,
        );
        let llama = at(entry("openai"), "http://127.0.0.1:8080/v1");
        let table = PriceTable::bundled();
        let pricing = Pricing::bundled(vec![
            PriceOverride::new("lm studio", "qwen*", 1.0, 2.0),
            PriceOverride::new(&ServedBy::of(&llama, table).name, "smollm2", 0.5, 0.5),
        ]);
        let now = Utc::now();
        let served = ServedBy::of(&studio, table);
        assert_eq!(
            served.cost(&pricing, "qwen2.5-7b", &usage(), now),
            Some(3.0)
        );
        let price = served.price(&pricing, "qwen2.5-7b", now).unwrap();
        assert_eq!(price.source, PriceSource::Override);
        assert_eq!(served.cost(&pricing, "gpt-4o-mini", &usage(), now), None);

        let served = ServedBy::of(&llama, table);
        assert_eq!(served.cost(&pricing, "smollm2", &usage(), now), Some(1.0));
        assert_eq!(served.cost(&pricing, "gpt-4o-mini", &usage(), now), None);
    }

    #[test]
    fn a_user_price_for_a_vendor_applies_on_its_host() {
        let pricing = Pricing::bundled(vec![PriceOverride::new("OpenAI", "gpt-4o-mini", 1.0, 1.0)]);
        let served = ServedBy::of(&entry("openai"), pricing.table());
        assert_eq!(
            served.cost(&pricing, "gpt-4o-mini", &usage(), Utc::now()),
            Some(2.0)
        );
    }

    #[test]
    fn a_removed_entry_keeps_its_id_unless_it_names_a_vendor() {
        let table = PriceTable::bundled();
        assert_eq!(ServedBy::unknown("old-llama", table).name, "old-llama");
        assert_eq!(ServedBy::unknown("openai", table).name, "unknown provider");
        assert_eq!(ServedBy::unknown("  ", table).name, "unknown provider");
    }
}
