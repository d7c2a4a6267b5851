//! The line that says who can open a link ("Only this computer can open
//! this link, while Parlor is running"), in the Share dialog, My shares and
//! Settings. Links only this computer can open get the warning tone: people
//! send them to colleagues who then cannot open them.

use yew::prelude::*;

use crate::types::Reach;

#[derive(Properties, PartialEq)]
pub struct ReachLineProps {
    pub reach: Reach,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
}

#[component]
pub fn ReachLine(props: &ReachLineProps) -> Html {
    let kind = props.reach.kind.as_str();
    html! {
        <p id={props.id.clone()} class={classes!("reach", format!("reach-{kind}"), props.class.clone())}
            data-reach={kind}>
            { props.reach.sentence.clone() }
        </p>
    }
}
