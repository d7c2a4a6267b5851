//! The page around the app: the theme (stored, applied, and the palettes
//! that let a chosen one win over the system's), the shell's highlight
//! stylesheet, and the webview's own context menu, kept away in release
//! builds.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::{CssMediaRule, CssRule, CssRuleList, CssStyleRule, CssStyleSheet, Document};
use yew::prelude::*;

use super::{document, use_document_listener};
use crate::ipc;
use crate::theme;

const THEME_KEY: &str = "parlor.theme";

pub fn stored_theme() -> String {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(THEME_KEY).ok().flatten())
        .map_or_else(|| "system".to_owned(), |t| theme::normalize(&t).to_owned())
}

pub fn apply_theme(theme: &str) {
    if let Some(root) = document().and_then(|d| d.document_element()) {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(THEME_KEY, theme);
    }
}

/// What the App sets up on the page: the stored theme and the palettes of
/// an explicit one, the highlight stylesheet, and no page context menu.
#[hook]
pub fn use_page(theme: &str) {
    let theme = theme.to_owned();
    use_effect_with((), move |()| {
        apply_theme(&theme);
        install_palettes();
        if ipc::is_available() {
            spawn_local(install_highlight_css());
        }
    });
    use_document_listener("contextmenu", |event: MouseEvent| {
        if !keeps_page_menu(&event) {
            event.prevent_default();
        }
    });
}

/// The webview's own menu (Back, Reload, Inspect…) is no part of the app:
/// a release build keeps it only where it edits text or copies a selection.
fn keeps_page_menu(event: &MouseEvent) -> bool {
    if cfg!(debug_assertions) {
        return true;
    }
    let in_field = event
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|element| element.closest("input, textarea").ok().flatten())
        .is_some();
    let selected = web_sys::window()
        .and_then(|window| window.get_selection().ok().flatten())
        .is_some_and(|selection| !selection.is_collapsed());
    in_field || selected
}

/// Adds `css` to the page as `<style id={id}>`, once.
fn add_style(document: &Document, id: &str, css: &str) {
    if document.get_element_by_id(id).is_some() {
        return;
    }
    if let (Ok(style), Some(head)) = (document.create_element("style"), document.head()) {
        style.set_id(id);
        style.set_text_content(Some(css));
        let _ = head.append_child(&style);
    }
}

/// Adds the shell's highlight stylesheet to the page, scoped to the theme.
async fn install_highlight_css() {
    let Ok(css) = ipc::highlight_stylesheet().await else {
        return;
    };
    if let Some(document) = document() {
        add_style(&document, "hl-css", &theme::themed_highlight_css(&css));
    }
}

/// chat.css follows the system's colour scheme. A theme chosen in Settings
/// (`data-theme` on the root) takes chat.css's own palettes, read from its
/// rules, so each colour is written once. Until chat.css has loaded, this
/// waits for the page's `load`.
fn install_palettes() {
    let Some(document) = document() else {
        return;
    };
    if let Some((light, dark)) = chat_palettes(&document) {
        add_style(&document, "theme-css", &theme::palettes_css(&light, &dark));
    } else if let Some(window) = web_sys::window() {
        let retry = Closure::once_into_js(move || {
            if let Some((light, dark)) = chat_palettes(&document) {
                add_style(&document, "theme-css", &theme::palettes_css(&light, &dark));
            }
        });
        let _ = window.add_event_listener_with_callback("load", retry.unchecked_ref());
    }
}

/// The declarations of chat.css's light palette (its `:root` rule) and of
/// its dark one (the `:root` rule of its `prefers-color-scheme: dark` block).
fn chat_palettes(document: &Document) -> Option<(String, String)> {
    let sheets = document.style_sheets();
    let sheet = (0..sheets.length())
        .filter_map(|i| sheets.item(i))
        .find(|sheet| {
            sheet
                .href()
                .ok()
                .flatten()
                .is_some_and(|href| href.ends_with("/chat.css"))
        })?
        .dyn_into::<CssStyleSheet>()
        .ok()?;
    let (mut light, mut dark) = (None, None);
    for rule in rules(&sheet.css_rules().ok()?) {
        match rule.dyn_ref::<CssMediaRule>() {
            Some(media)
                if media
                    .media()
                    .media_text()
                    .contains("prefers-color-scheme: dark") =>
            {
                dark =
                    dark.or_else(|| rules(&media.css_rules()).find_map(|r| root_declarations(&r)));
            }
            Some(_) => {}
            None => light = light.or_else(|| root_declarations(&rule)),
        }
    }
    Some((light?, dark?))
}

fn rules(list: &CssRuleList) -> impl Iterator<Item = CssRule> + '_ {
    (0..list.length()).filter_map(|i| list.item(i))
}

fn root_declarations(rule: &CssRule) -> Option<String> {
    let style = rule.dyn_ref::<CssStyleRule>()?;
    (style.selector_text() == ":root").then(|| style.style().css_text())
}
