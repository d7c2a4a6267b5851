//! Icons drawn as inline SVG in the text's colour. A glyph from a font can
//! be missing on a system (it then shows as an empty box); a path cannot.

use yew::prelude::*;

/// The icons the app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    Plus,
    Close,
    Rename,
    Duplicate,
    Delete,
}

impl IconKind {
    /// The outline on a 24×24 grid, stroked.
    fn path(self) -> &'static str {
        match self {
            Self::Plus => "M12 5v14M5 12h14",
            Self::Close => "M6 6l12 12M18 6 6 18",
            Self::Rename => "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
            Self::Duplicate => "M9 9h11v11H9zM15 9V4H4v11h5",
            Self::Delete => "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct IconProps {
    pub kind: IconKind,
}

/// An icon; what it means is said by the control around it.
#[component]
pub fn Icon(props: &IconProps) -> Html {
    html! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none"
            stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
            <path d={props.kind.path()} />
        </svg>
    }
}

#[derive(Properties, PartialEq)]
pub struct IconButtonProps {
    pub kind: IconKind,
    /// What it does, for screen readers (`aria-label`).
    pub label: AttrValue,
    /// The tooltip.
    pub title: AttrValue,
    pub onclick: Callback<MouseEvent>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
}

/// A button that is only an icon.
#[component]
pub fn IconButton(props: &IconButtonProps) -> Html {
    html! {
        <button id={props.id.clone()} type="button" class={classes!("icon-button", props.class.clone())}
            title={props.title.clone()} aria-label={props.label.clone()} onclick={props.onclick.clone()}>
            <Icon kind={props.kind} />
        </button>
    }
}
