//! What the page says about a share's versions and view limit: "Version 2
//! of 2 · see version 1" with links to the others, and "This link can be
//! opened N more times".

use maud::{Markup, html};

use super::ShareView;

/// Which version a page shows and how many views it has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageControls {
    /// The version shown (1 for a share never updated).
    pub version: u32,
    /// How many versions the share has.
    pub versions: u32,
    /// Views left after this one, for a share with a view limit.
    pub remaining_views: Option<u64>,
}

impl Default for PageControls {
    fn default() -> Self {
        Self {
            version: 1,
            versions: 1,
            remaining_views: None,
        }
    }
}

/// The address of version `version` of a share: the share's own page for
/// the newest.
fn version_path(view: &ShareView<'_>, version: u32) -> String {
    if version == view.controls.versions {
        format!("/shared/{}", view.share_id)
    } else {
        format!("/shared/{}/v/{version}", view.share_id)
    }
}

/// "This link can be opened N more times", as the page says it.
pub fn remaining_sentence(remaining: u64) -> String {
    match remaining {
        0 => "This was the last time this link can be opened.".to_owned(),
        1 => "This link can be opened 1 more time.".to_owned(),
        n => format!("This link can be opened {n} more times."),
    }
}

/// The notices under the dates (nothing for a share with one version and no limit).
pub fn render(view: &ShareView<'_>) -> Markup {
    let PageControls {
        version,
        versions,
        remaining_views,
    } = view.controls;
    let others: Vec<u32> = (1..=versions).filter(|&other| other != version).collect();
    html! {
        @if versions > 1 {
            p.share-versions data-testid="share-versions" {
                "Version " (version) " of " (versions) " · see "
                (if others.len() == 1 { "version " } else { "versions " })
                @for (i, other) in others.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(version_path(view, *other)) data-testid="share-version-link" { (other) }
                }
            }
        }
        @if let Some(remaining) = remaining_views {
            p.share-views-left data-testid="views-left" { (remaining_sentence(remaining)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_counts_down_to_the_last_view() {
        assert_eq!(
            remaining_sentence(4),
            "This link can be opened 4 more times."
        );
        assert_eq!(
            remaining_sentence(1),
            "This link can be opened 1 more time."
        );
        assert!(remaining_sentence(0).contains("last time"));
    }
}
