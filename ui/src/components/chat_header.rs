//! The open session's header: its title, who answers next, where it was
//! imported from, its totals, and Reset / Share (a new session is the
//! sidebar's "New chat").

use yew::prelude::*;

use super::stats::{stat_items, totals_stats};
use crate::format;
use crate::types::{ImportedFrom, SessionConfig, SessionTotals, SettingsView};

/// What the header shows; [`chat_header`] renders it.
pub struct ChatHeaderProps {
    pub title: AttrValue,
    /// Who answers next (see [`model_label`]); none without a session.
    pub model_label: Option<AttrValue>,
    pub origin: Option<ImportedFrom>,
    /// The session's totals; none without a session.
    pub totals: Option<SessionTotals>,
    pub can_reset: bool,
    pub can_share: bool,
    pub on_reset: Callback<MouseEvent>,
    pub on_share: Callback<()>,
}

/// The name answers through this session's provider will carry, and its
/// model.
pub fn model_label(config: &SessionConfig, settings: Option<&SettingsView>) -> String {
    let provider = settings
        .and_then(|view| view.served_by.get(&config.provider_id))
        .map_or(config.provider_id.as_str(), |served| served.name.as_str());
    if config.model.is_empty() {
        format!("{provider} · choose a model")
    } else {
        format!("{provider} · {}", config.model)
    }
}

/// A view function rather than a component: it has no state, and its
/// callbacks are new with every App render, so it could never skip one.
pub fn chat_header(props: &ChatHeaderProps) -> Html {
    let share_click = props.on_share.reform(|_: MouseEvent| ());
    html! {
        <header class="chat-header">
            <div class="chat-heading">
                <h1 class="chat-title">{ props.title.clone() }</h1>
                if let Some(label) = &props.model_label {
                    <span class="chat-model">{ label.clone() }</span>
                }
                if let Some(origin) = &props.origin {
                    <span id="session-origin" class="chat-origin" title={origin.share_url.clone()}>
                        { format!("Imported from share {} on {}", origin.share_id, format::date_time(&origin.imported_at)) }
                    </span>
                }
            </div>
            <dl id="session-totals" class="stat-line session-totals" aria-label="Session totals">
                if let Some(totals) = &props.totals {
                    { stat_items(totals_stats(totals)) }
                }
            </dl>
            <div class="chat-actions">
                <button id="reset-session" type="button" class="button" onclick={props.on_reset.clone()}
                    disabled={!props.can_reset} title="Delete all messages of this session">{ "Reset" }</button>
                <button id="share-button" type="button" class="button button-primary" onclick={share_click}
                    disabled={!props.can_share} title="Publish a read-only link (Ctrl+Shift+S)">{ "Share" }</button>
            </div>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_names_the_provider_and_asks_for_a_model_when_none_is_chosen() {
        let mut config = SessionConfig {
            provider_id: "openai".into(),
            ..SessionConfig::default()
        };
        assert_eq!(model_label(&config, None), "openai · choose a model");
        config.model = "gpt-4o".into();
        assert_eq!(model_label(&config, None), "openai · gpt-4o");
    }
}
