//! The sessions sidebar: new, search, open, rename, duplicate, delete; and
//! the doors to My shares, Import and Settings.

use yew::prelude::*;

use crate::format;
use crate::types::{SearchHit, SessionSummary};

#[derive(Properties, PartialEq)]
pub struct SidebarProps {
    pub sessions: Vec<SessionSummary>,
    /// Search results, when a search is typed.
    pub hits: Option<Vec<SearchHit>>,
    pub current: Option<AttrValue>,
    pub on_new: Callback<()>,
    pub on_select: Callback<String>,
    pub on_search: Callback<String>,
    pub on_rename: Callback<(String, String)>,
    pub on_duplicate: Callback<String>,
    pub on_delete: Callback<(String, String)>,
    pub on_open_shares: Callback<()>,
    pub on_open_import: Callback<()>,
    pub on_open_settings: Callback<()>,
}

#[component]
pub fn Sidebar(props: &SidebarProps) -> Html {
    let renaming = use_state(|| None::<(String, String)>);
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let oninput = {
        let on_search = props.on_search.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_search.emit(input.value());
        })
    };
    let entries: Vec<(SessionSummary, Option<String>)> = match &props.hits {
        Some(hits) => hits
            .iter()
            .map(|hit| (hit.session.clone(), hit.snippet.clone()))
            .collect(),
        None => props.sessions.iter().map(|s| (s.clone(), None)).collect(),
    };
    let items = entries.into_iter().map(|(session, snippet)| {
        let current = props.current.as_deref() == Some(session.id.as_str());
        let id = session.id.clone();
        let select = {
            let on_select = props.on_select.clone();
            let id = id.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(id.clone()))
        };
        let start_rename = {
            let renaming = renaming.clone();
            let id = id.clone();
            let title = session.title.clone();
            Callback::from(move |_: MouseEvent| renaming.set(Some((id.clone(), title.clone()))))
        };
        let duplicate = {
            let cb = props.on_duplicate.clone();
            let id = id.clone();
            Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
        };
        let delete = {
            let cb = props.on_delete.clone();
            let id = id.clone();
            let title = session.title.clone();
            Callback::from(move |_: MouseEvent| cb.emit((id.clone(), title.clone())))
        };
        let editing = renaming
            .as_ref()
            .filter(|(rid, _)| *rid == id)
            .map(|(_, title)| title.clone());
        let body = match editing {
            Some(title) => {
                let onkeydown = {
                    let renaming = renaming.clone();
                    let on_rename = props.on_rename.clone();
                    let id = id.clone();
                    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                        "Enter" => {
                            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                            let title = input.value();
                            if !title.trim().is_empty() {
                                on_rename.emit((id.clone(), title));
                            }
                            renaming.set(None);
                        }
                        "Escape" => {
                            e.stop_propagation();
                            renaming.set(None);
                        }
                        _ => {}
                    })
                };
                // Leaving the field keeps what was typed, like Enter.
                let onblur = {
                    let renaming = renaming.clone();
                    let on_rename = props.on_rename.clone();
                    let (id, before) = (id.clone(), session.title.clone());
                    Callback::from(move |e: FocusEvent| {
                        if renaming.is_none() {
                            return;
                        }
                        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                        let title = input.value();
                        if !title.trim().is_empty() && title != before {
                            on_rename.emit((id.clone(), title));
                        }
                        renaming.set(None);
                    })
                };
                html! {
                    <input class="session-rename" type="text" value={title} aria-label="New title"
                        autofocus=true {onkeydown} {onblur} />
                }
            }
            None => html! {
                <button type="button" class="session-open" onclick={select}
                    aria-current={current.then_some("true")}>
                    <span class="session-title">{ session.title.clone() }</span>
                    <span class="session-meta">
                        { format!("{} · {} msg · {}", if session.model.is_empty() { "no model" } else { &session.model },
                            session.message_count, format::date_time(&session.updated_at)) }
                    </span>
                    if let Some(snippet) = snippet {
                        <span class="session-snippet">{ snippet }</span>
                    }
                </button>
            },
        };
        html! {
            <li key={id.clone()} class={classes!("session-item", current.then_some("current"))} data-session-id={id.clone()}>
                { body }
                <div class="session-actions">
                    <button type="button" class="icon-button session-rename-button" title="Rename"
                        aria-label={format!("Rename {}", session.title)} onclick={start_rename}>{ "✎" }</button>
                    <button type="button" class="icon-button session-duplicate" title="Duplicate"
                        aria-label={format!("Duplicate {}", session.title)} onclick={duplicate}>{ "⧉" }</button>
                    <button type="button" class="icon-button session-delete" title="Delete"
                        aria-label={format!("Delete {}", session.title)} onclick={delete}>{ "🗑" }</button>
                </div>
            </li>
        }
    });
    let empty = match &props.hits {
        Some(hits) if hits.is_empty() => Some("No session matches."),
        None if props.sessions.is_empty() => Some("No sessions yet."),
        _ => None,
    };
    html! {
        <aside class="sidebar" aria-label="Sessions">
            <div class="sidebar-top">
                <span class="brand">{ "Parlor" }</span>
                <button id="new-session" type="button" class="button button-primary" title="New session (Ctrl+N)"
                    onclick={click(&props.on_new)}>{ "+ New chat" }</button>
            </div>
            <input id="session-search" type="search" class="input" placeholder="Search sessions (Ctrl+K)"
                aria-label="Search sessions" {oninput} />
            <nav class="session-nav" aria-label="Session list">
                <ul class="session-list">{ for items }</ul>
                if let Some(text) = empty {
                    <p class="sidebar-empty">{ text }</p>
                }
            </nav>
            <div class="sidebar-bottom">
                <button id="open-shares" type="button" class="button button-quiet" onclick={click(&props.on_open_shares)}>{ "My shares" }</button>
                <button id="open-import" type="button" class="button button-quiet" onclick={click(&props.on_open_import)}>{ "Import" }</button>
                <button id="open-settings" type="button" class="button button-quiet" onclick={click(&props.on_open_settings)}>{ "Settings" }</button>
            </div>
        </aside>
    }
}
