//! "Update the existing link" or "New link": Share on a conversation that
//! has a link offers to publish it as it is now to the link already sent
//! (the same URL; it keeps its password, expiry and view limit), or to make
//! a second link beside it.

use yew::prelude::*;

use crate::sharing::views_line;
use crate::types::ShareListItem;

#[derive(Properties, PartialEq)]
pub struct SharedBeforeChoiceProps {
    /// The link made before.
    pub share: ShareListItem,
    pub on_update: Callback<()>,
    pub on_new_link: Callback<()>,
}

#[component]
pub fn SharedBeforeChoice(props: &SharedBeforeChoiceProps) -> Html {
    let share = &props.share;
    let update = props.on_update.reform(|_: MouseEvent| ());
    let new_link = props.on_new_link.reform(|_: MouseEvent| ());
    html! {
        <section id="share-before" class="share-before" aria-labelledby="share-before-title"
            data-share-id={share.share_id.clone()}>
            <p id="share-before-title" class="share-earlier-title">{ "You shared this conversation before:" }</p>
            <p class="share-earlier-url share-before-url">{ share.share_url.clone() }</p>
            if let Some(views) = views_line(share) {
                <p class="share-before-views field-hint">{ views }</p>
            }
            <div class="share-before-actions">
                <button id="share-update" type="button" class="button button-primary" onclick={update}>
                    { "Update the existing link" }
                </button>
                <button id="share-new-link" type="button" class="button" onclick={new_link}>
                    { "New link" }
                </button>
            </div>
            <p class="field-hint">
                { "Updating shows the conversation as it is now at the same link; it keeps its \
                   password, expiry and view limit, and earlier versions stay readable. A new \
                   link leaves the first one as it is." }
            </p>
        </section>
    }
}
