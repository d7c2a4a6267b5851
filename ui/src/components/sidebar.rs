//! The sessions sidebar: new, search, open, rename, duplicate, delete; and
//! the doors to My shares, Import and Settings.

use yew::prelude::*;

use super::icon::Icon;
use crate::dom::value_of;
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
    let click = |cb: &Callback<()>| cb.reform(|_: MouseEvent| ());
    let oninput = props.on_search.reform(|e: InputEvent| value_of(&e));
    let entries: Vec<(SessionSummary, Option<String>)> = match &props.hits {
        Some(hits) => hits
            .iter()
            .map(|hit| (hit.session.clone(), hit.snippet.clone()))
            .collect(),
        None => props.sessions.iter().map(|s| (s.clone(), None)).collect(),
    };
    let items = entries.into_iter().map(|(session, snippet)| {
        let current = props.current.as_deref() == Some(session.id.as_str());
        let (id, title) = (session.id.clone(), session.title.clone());
        let start_rename = {
            let (renaming, id, title) = (renaming.clone(), id.clone(), title.clone());
            Callback::from(move |_: MouseEvent| renaming.set(Some((id.clone(), title.clone()))))
        };
        let editing = renaming
            .as_ref()
            .filter(|(rid, _)| *rid == id)
            .map(|(_, title)| title.clone());
        let body = match editing {
            Some(typed) => {
                // Enter, or leaving the field, keeps what was typed.
                let commit = {
                    let (renaming, on_rename) = (renaming.clone(), props.on_rename.clone());
                    let (id, before) = (id.clone(), title.clone());
                    move |title: String| {
                        if !title.trim().is_empty() && title != before {
                            on_rename.emit((id.clone(), title));
                        }
                        renaming.set(None);
                    }
                };
                let onkeydown = {
                    let (renaming, commit) = (renaming.clone(), commit.clone());
                    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                        "Enter" => commit(value_of(&e)),
                        "Escape" => {
                            e.stop_propagation();
                            renaming.set(None);
                        }
                        _ => {}
                    })
                };
                let onblur = {
                    let renaming = renaming.clone();
                    Callback::from(move |e: FocusEvent| {
                        if renaming.is_some() {
                            commit(value_of(&e));
                        }
                    })
                };
                html! {
                    <input class="session-rename" type="text" value={typed} aria-label="New title"
                        autofocus=true {onkeydown} {onblur} />
                }
            }
            None => html! {
                <button type="button" class="session-open" onclick={props.on_select.reform({
                        let id = id.clone();
                        move |_: MouseEvent| id.clone()
                    })}
                    aria-current={current.then_some("true")}>
                    <span class="session-title">{ title.clone() }</span>
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
        let duplicate = props.on_duplicate.reform({
            let id = id.clone();
            move |_: MouseEvent| id.clone()
        });
        let action = |icon: Icon, verb: &'static str, onclick: Callback<MouseEvent>| {
            html! {
                <button type="button" class="icon-button" title={verb}
                    aria-label={format!("{verb} {title}")} {onclick}>{ icon.view() }</button>
            }
        };
        let delete = props.on_delete.reform({
            let (id, title) = (id.clone(), title.clone());
            move |_: MouseEvent| (id.clone(), title.clone())
        });
        html! {
            <li key={id.clone()} class={classes!("session-item", current.then_some("current"))} data-session-id={id}>
                { body }
                <div class="session-actions">
                    { action(Icon::Rename, "Rename", start_rename) }
                    { action(Icon::Duplicate, "Duplicate", duplicate) }
                    { action(Icon::Delete, "Delete", delete) }
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
                <button id="new-session" type="button" class="button button-primary" title="New chat (Ctrl+N)"
                    onclick={click(&props.on_new)}>
                    { Icon::Plus.view() }{ "New chat" }
                </button>
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
