//! The link just made: the URL with Copy and Open, who can open it (and the
//! ways out when that is only this computer), when it expires, what was
//! removed, and its QR code.

use yew::prelude::*;

use crate::components::reach::ReachLine;
use crate::sharing::{Removed, expiry_line, removed_line};
use crate::types::{ReachKind, ShareResult, ShareServerMode};

#[derive(Properties, PartialEq)]
pub struct ShareLinkProps {
    pub result: ShareResult,
    pub on_copy: Callback<()>,
    pub on_open: Callback<()>,
    /// "Connect a team server" / "Share on my network".
    pub on_way: Callback<ShareServerMode>,
    pub on_save_file: Callback<()>,
    /// A file is being written.
    pub saving: bool,
    /// What just happened (copied, failed), said under the link.
    #[prop_or_default]
    pub children: Html,
}

const QR_LABEL: &str = "QR code of the link, for opening it on a phone";

#[component]
pub fn ShareLink(props: &ShareLinkProps) -> Html {
    let result = &props.result;
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    let way = |mode: ShareServerMode| props.on_way.reform(move |_: MouseEvent| mode);
    let select_all = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    // The SVG is the shell's own output (the link's modules as rects), with
    // nothing of the conversation in it.
    let only_here = result.reach.kind == ReachKind::ThisComputer;
    let qr = Html::from_html_unchecked(AttrValue::from(result.qr_svg.clone()));
    html! {
        <div class="share-result">
            <label for="share-url" class="field-label">{ "Share link" }</label>
            <div class="share-url-row">
                <input id="share-url" class="input share-url" type="text" readonly=true
                    value={result.share_url.clone()} onfocus={select_all} />
                <button id="share-copy" type="button" class="button" onclick={click(&props.on_copy)}>{ "Copy" }</button>
                <button id="share-open" type="button" class="button" onclick={click(&props.on_open)}>{ "Open in browser" }</button>
            </div>
            { props.children.clone() }
            <ReachLine id="share-reach" reach={result.reach.clone()} class={classes!(only_here.then_some("reach-with-ways"))} />
            if only_here {
                <div id="share-ways-out" class="share-ways-out" role="group" aria-label="Ways for others to open it">
                    <span class="share-ways-lead">{ "For others:" }</span>
                    <button id="way-team" type="button" class="button button-quiet"
                        onclick={way(ShareServerMode::Team)}>{ "Connect a team server" }</button>
                    <button id="way-network" type="button" class="button button-quiet"
                        onclick={way(ShareServerMode::Network)}>{ "Share on my network" }</button>
                    <button id="way-file" type="button" class="button button-quiet" disabled={props.saving}
                        onclick={click(&props.on_save_file)}>{ "Save as HTML file" }</button>
                </div>
            }
            <div class="share-details">
                <div class="share-facts">
                    <p id="share-expiry-line" class="share-fact">{ expiry_line(result.expires_at.as_ref()) }</p>
                    if let Some(note) = &result.expiry_note {
                        <p id="share-expiry-note" class="share-fact share-note">{ note.clone() }</p>
                    }
                    if let Some(summary) = &result.redacted_summary {
                        <p id="share-redacted" class="share-fact share-redacted">
                            { removed_line(Removed::BeforePublishing, summary) }
                        </p>
                    }
                </div>
                <figure id="share-qr" class="share-qr" role="img" aria-label={QR_LABEL} title={QR_LABEL}>
                    { qr }
                </figure>
            </div>
        </div>
    }
}
