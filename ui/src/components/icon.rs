//! Icons drawn as inline SVG in the text's colour. A glyph from a font can
//! be missing on a system (it then shows as an empty box); a path cannot.

use yew::prelude::*;

/// The icons the app uses; [`Icon::view`] draws one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icon {
    Plus,
    Close,
    Rename,
    Duplicate,
    Delete,
    Copy,
    Regenerate,
    Fork,
    Previous,
    Next,
    Stop,
    Columns,
    More,
    Attach,
    File,
}

impl Icon {
    /// The outline on a 24×24 grid, stroked.
    fn path(self) -> &'static str {
        match self {
            Self::Plus => "M12 5v14M5 12h14",
            Self::Close => "M6 6l12 12M18 6 6 18",
            Self::Rename => "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4",
            Self::Duplicate => "M9 9h11v11H9zM15 9V4H4v11h5",
            Self::Delete => "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6",
            Self::Copy => "M9 3h6v3H9zM8 4.5H5V21h14V4.5h-3",
            Self::Regenerate => "M20 12a8 8 0 1 1-2.34-5.66M20 4v5h-5",
            Self::Fork => {
                "M6 3v12M6 15a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM18 3a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM18 9a9 9 0 0 1-9 9"
            }
            Self::Previous => "M15 18l-6-6 6-6",
            Self::Next => "M9 18l6-6-6-6",
            Self::Stop => "M7 7h10v10H7z",
            Self::Columns => "M4 4h16v16H4zM12 4v16",
            Self::More => "M5 12h.01M12 12h.01M19 12h.01",
            Self::Attach => {
                "M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48"
            }
            Self::File => "M13 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9zM13 2v7h7",
        }
    }

    /// The icon, hidden from screen readers: the control around it says
    /// what it does.
    pub fn view(self) -> Html {
        html! {
            <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none"
                stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
                <path d={self.path()} />
            </svg>
        }
    }
}

/// An icon button: `class` names it for styles and tests, `label` says what
/// it does (its accessible name and tooltip).
pub fn icon_button(
    class: &'static str,
    label: &'static str,
    icon: Icon,
    disabled: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    html! {
        <button type="button" class={classes!("icon-button", class)} aria-label={label} title={label}
            {disabled} {onclick}>{ icon.view() }</button>
    }
}
