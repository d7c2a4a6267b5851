//! The files a message attaches, as the page shows them: raster images
//! inline (lazy, with their size set so the page does not jump), text files
//! as highlighted code under their name, anything else as a download link
//! with its size. What a file becomes depends on its declared media type
//! alone (`chat_core::attachment::Kind`), never on its bytes: an SVG or
//! HTML file is a download link whatever it contains.
//!
//! The served page loads each file from the server
//! (`/shared/{id}/files/{sha256}`, allowed by the page's `img-src 'self'`);
//! the standalone file carries its images as `data:` URLs (its policy's
//! `img-src data:`) and links other files to the share online, if any.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::attachment::{Attachment, Kind, dimensions};
use maud::{Markup, html};

use super::code;
use super::format;

/// Where the page's files come from.
#[derive(Debug, Clone, Copy)]
pub enum Files<'a> {
    /// Served beside the page, at `/shared/{share_id}/files/{sha256}`.
    Served { share_id: &'a str },
    /// Inside the document (images as `data:` URLs); other files link to
    /// `{link}/files/{sha256}` when the conversation is online at `link`.
    Embedded { link: Option<&'a str> },
}

impl Files<'_> {
    /// Where a reader opens or downloads the file, if anywhere.
    fn href(&self, attachment: &Attachment) -> Option<String> {
        match self {
            Files::Served { share_id } => {
                Some(format!("/shared/{share_id}/files/{}", attachment.sha256))
            }
            Files::Embedded { link } => link.map(|link| file_url(link, &attachment.sha256)),
        }
    }
}

/// The address of a file of the share whose page is at `page_url`.
pub fn file_url(page_url: &str, sha256: &str) -> String {
    format!("{page_url}/files/{sha256}")
}

/// The attachments of one message; nothing when it has none.
pub fn list(attachments: &[Attachment], files: Files<'_>) -> Markup {
    if attachments.is_empty() {
        return html! {};
    }
    html! {
        div.msg-attachments data-testid="msg-attachments" {
            @for attachment in attachments {
                (one(attachment, files))
            }
        }
    }
}

fn one(attachment: &Attachment, files: Files<'_>) -> Markup {
    let bytes = attachment.decode().unwrap_or_default();
    let href = files.href(attachment);
    match attachment.kind() {
        Kind::Image(image) => {
            let src = match files {
                Files::Served { .. } => href.clone().unwrap_or_default(),
                Files::Embedded { .. } => {
                    format!(
                        "data:{};base64,{}",
                        image.media_type(),
                        STANDARD.encode(&bytes)
                    )
                }
            };
            let (width, height) = dimensions(&bytes).unzip();
            let img = html! {
                img.attachment-image src=(src) loading="lazy" width=[width] height=[height]
                    alt=(attachment.name);
            };
            html! {
                figure.attachment data-testid="attachment" data-kind="image" {
                    @match (files, &href) {
                        (Files::Served { .. }, Some(href)) => a href=(href) { (img) },
                        _ => (img),
                    }
                    figcaption.attachment-name { (attachment.name) }
                }
            }
        }
        Kind::Text => match std::str::from_utf8(&bytes) {
            Ok(text) => html! {
                section.attachment.attachment-text data-testid="attachment" data-kind="text" {
                    header.attachment-name {
                        (name_link(attachment, href.as_deref()))
                        " " span.attachment-size { (format::file_size(bytes.len())) }
                    }
                    (code::block(&language(&attachment.name), text))
                }
            },
            Err(_) => download(attachment, href.as_deref(), bytes.len()),
        },
        Kind::Pdf | Kind::Other => download(attachment, href.as_deref(), bytes.len()),
    }
}

/// The file's name, as a download link when it can be downloaded.
fn name_link(attachment: &Attachment, href: Option<&str>) -> Markup {
    html! {
        @if let Some(href) = href {
            a href=(href) download=(attachment.name) { (attachment.name) }
        } @else {
            span { (attachment.name) }
        }
    }
}

fn download(attachment: &Attachment, href: Option<&str>, size: usize) -> Markup {
    html! {
        p.attachment.attachment-file data-testid="attachment" data-kind="file" {
            (name_link(attachment, href))
            " " span.attachment-size { (format::file_size(size)) }
        }
    }
}

/// The highlighting language of a file: its extension, letters and digits
/// only (nothing that could end the fence's info string).
fn language(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, extension)| extension)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_come_from_the_extension_and_stay_tame() {
        for (name, expected) in [("main.rs", "rs"), ("notes", ""), ("x.p`y\n```js", "pyjs")] {
            assert_eq!(language(name), expected, "{name:?}");
        }
    }
}
