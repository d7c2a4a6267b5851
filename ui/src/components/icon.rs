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
