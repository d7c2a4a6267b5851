//! The images of attached files as `data:` URLs, fetched once per SHA-256
//! (`get_attachment`) and kept for the app's run, so scrolling, streaming and
//! switching sessions never fetch a file again. A file is its hash, so a
//! cached URL never goes stale.

use std::collections::HashMap;
use std::rc::Rc;

use chat_core::attachment::Kind;

use super::reducible;
use crate::types::AttachmentRef;

/// A `data:` URL, equal to another only when it is the same fetched string:
/// comparing props that carry one costs nothing however big the image.
#[derive(Debug, Clone)]
pub struct DataUrl(Rc<str>);

impl PartialEq for DataUrl {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl DataUrl {
    pub fn new(url: String) -> Self {
        Self(url.into())
    }

    /// As an attribute value, sharing the string (never copying it).
    pub fn attr(&self) -> yew::AttrValue {
        yew::AttrValue::from(Rc::clone(&self.0))
    }
}

/// An image the app can show inline: a raster type webviews display.
pub fn is_image(attachment: &AttachmentRef) -> bool {
    matches!(Kind::of(&attachment.media_type), Kind::Image(_))
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Previews {
    urls: HashMap<String, DataUrl>,
}

pub enum PreviewsAction {
    Loaded { sha256: String, url: DataUrl },
}

impl Previews {
    pub fn url(&self, sha256: &str) -> Option<DataUrl> {
        self.urls.get(sha256).cloned()
    }

    /// Each file of `attachments` with its image, when it is one and has
    /// been fetched.
    pub fn shown(&self, attachments: &[AttachmentRef]) -> Vec<Shown> {
        attachments
            .iter()
            .map(|attachment| Shown {
                url: (is_image(attachment))
                    .then(|| self.url(&attachment.sha256))
                    .flatten(),
                attachment: attachment.clone(),
            })
            .collect()
    }

    pub fn apply(&mut self, action: PreviewsAction) {
        match action {
            PreviewsAction::Loaded { sha256, url } => {
                self.urls.insert(sha256, url);
            }
        }
    }
}

/// A file as a message or the composer shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub attachment: AttachmentRef,
    /// Its image (none for other files, or not fetched yet).
    pub url: Option<DataUrl>,
}

reducible!(Previews, PreviewsAction);

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sha256: &str, name: &str) -> AttachmentRef {
        crate::fixtures::attachment(name, sha256)
    }

    #[test]
    fn images_show_their_fetched_url_other_files_none() {
        let mut previews = Previews::default();
        let url = DataUrl::new("data:image/png;base64,AA==".into());
        for sha256 in ["aa", "bb"] {
            previews.apply(PreviewsAction::Loaded {
                sha256: sha256.into(),
                url: url.clone(),
            });
        }
        let shown = previews.shown(&[
            file("aa", "a.png"),
            file("bb", "notes.txt"),
            file("cc", "c.jpg"),
        ]);
        let urls: Vec<Option<String>> = shown
            .iter()
            .map(|s| s.url.as_ref().map(|url| url.attr().to_string()))
            .collect();
        assert_eq!(
            urls,
            [Some("data:image/png;base64,AA==".into()), None, None]
        );
    }

    #[test]
    fn urls_are_equal_when_they_are_the_same_fetch() {
        let url = DataUrl::new("data:,x".into());
        assert_eq!(url, url.clone());
        assert_ne!(url, DataUrl::new("data:,x".into()));
    }
}
