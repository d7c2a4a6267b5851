//! "You shared this conversation before": the earlier links, each with
//! whether it still works.

use yew::prelude::*;

use crate::format;
use crate::sharing::status_label;
use crate::types::ShareListItem;

#[derive(Properties, PartialEq)]
pub struct EarlierSharesProps {
    pub shares: Vec<ShareListItem>,
}

#[component]
pub fn EarlierShares(props: &EarlierSharesProps) -> Html {
    if props.shares.is_empty() {
        return html! {};
    }
    let rows = props.shares.iter().map(|share| {
        let status = share.status.as_str();
        html! {
            <li key={share.share_id.clone()} class="share-earlier-item"
                data-share-id={share.share_id.clone()} data-status={status}>
                <span class="share-earlier-url">{ share.share_url.clone() }</span>
                <span class="share-earlier-date">{ format!("shared {}", format::date_time(&share.created_at)) }</span>
                <span class="share-state" data-status={status}>{ status_label(share) }</span>
            </li>
        }
    });
    html! {
        <section id="share-earlier" class="share-earlier" aria-labelledby="share-earlier-title">
            <p id="share-earlier-title" class="share-earlier-title">{ "You shared this conversation before:" }</p>
            <ul class="share-earlier-list">{ for rows }</ul>
        </section>
    }
}
