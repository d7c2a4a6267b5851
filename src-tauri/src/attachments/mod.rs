//! What may be attached to a message, and the file as it is kept: its type
//! decided (the type given, else the name's, else the bytes'), checked
//! against its bytes, its size and count within chat-core's limits (the
//! ones a share server applies, so nothing attached is unshareable), an
//! image's metadata stripped ([`strip`]) before its hash is taken — so the
//! model, the store and a share all see the same bytes.
//!
//! Accepted: PNG, JPEG, WebP and GIF whose bytes are what they say, UTF-8
//! text files (source code, Markdown, CSV, JSON, plain text), PDFs.
//! Anything else is refused, naming its type.

mod gif;
pub mod strip;
#[cfg(test)]
mod tests;

use chat_core::attachment::{self, ImageType, Kind, dimensions, media_type_for_name, sha256_hex};
use chat_core::limits::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_NAME_BYTES, MAX_ATTACHMENTS_PER_MESSAGE,
    MAX_ATTACHMENTS_TOTAL_BYTES,
};
use contract::AttachmentRef;
use contract::error::code;

use crate::store::{NewAttachment, Store, StoreError};

/// A file that cannot be attached, or could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// Its type, bytes, size or count; the message says which limit.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AttachmentError {
    /// The stable code the UI reads.
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::Refused(_) => code::ATTACHMENT_REFUSED,
            AttachmentError::Store(e) => e.code(),
        }
    }
}

type Result<T> = std::result::Result<T, AttachmentError>;

fn refused<T>(message: String) -> Result<T> {
    Err(AttachmentError::Refused(message))
}

/// "2.5 MB", "340 KB", "12 bytes": sizes as the UI states the limits.
pub fn size_words(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / MB).replace(".0 MB", " MB"),
        b if b >= 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{b} bytes"),
    }
}

/// Stores a file the user attaches (`data`: standard base64) and answers
/// how messages refer to it. See the module's header for what is taken.
pub fn add(
    store: &Store,
    name: &str,
    media_type: Option<&str>,
    data: &str,
) -> Result<AttachmentRef> {
    let name = file_name(name);
    // Decoding a file far over the limit is work for nothing.
    if data.len() > MAX_ATTACHMENT_BYTES.div_ceil(3) * 4 + 4 {
        return refused(too_big(&name, data.len() / 4 * 3));
    }
    let Ok(bytes) = attachment::decode_base64(data) else {
        return refused(format!(
            "“{name}” could not be read: its data is not base64"
        ));
    };
    let file = prepare(&name, media_type, bytes)?;
    Ok(store.put_attachment(&file)?)
}

/// A file as it is stored: its type decided and checked, an image stripped.
pub fn prepare(name: &str, media_type: Option<&str>, bytes: Vec<u8>) -> Result<NewAttachment> {
    if bytes.is_empty() {
        return refused(format!("“{name}” is empty"));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return refused(too_big(name, bytes.len()));
    }
    let media_type = decide_type(name, media_type, &bytes);
    let bytes = match Kind::of(&media_type) {
        Kind::Image(declared) => return image(name, declared, &bytes),
        Kind::Text if std::str::from_utf8(&bytes).is_err() => {
            return refused(format!(
                "“{name}” is not UTF-8 text, so it cannot be read as {media_type}"
            ));
        }
        Kind::Text => bytes,
        Kind::Pdf if !bytes.starts_with(b"%PDF-") => {
            return refused(format!("“{name}” is not a PDF: it does not start as one"));
        }
        Kind::Pdf => bytes,
        Kind::Other => {
            return refused(format!(
                "“{name}” is {media_type}: Parlor attaches images (PNG, JPEG, WebP, GIF), \
                 text files and PDFs"
            ));
        }
    };
    Ok(NewAttachment::new(name, &media_type, bytes, None))
}

/// An image, its metadata stripped. A file named or typed as one image type
/// whose bytes are another (a PNG saved as `.jpg`) is taken as what its
/// bytes are; one whose bytes are no image is refused.
fn image(name: &str, declared: ImageType, bytes: &[u8]) -> Result<NewAttachment> {
    let Some(found) = ImageType::sniff(bytes) else {
        return refused(format!(
            "“{name}” is not a {} image: its bytes are not an image",
            short_name(declared)
        ));
    };
    let stripped = strip::strip(found, bytes).map_err(|why| {
        AttachmentError::Refused(format!(
            "“{name}” is not a readable {} image: {why}",
            short_name(found)
        ))
    })?;
    let size = dimensions(&stripped);
    if size.is_none() {
        return refused(format!("“{name}” has no readable size"));
    }
    Ok(NewAttachment::new(name, found.media_type(), stripped, size))
}

fn short_name(image: ImageType) -> &'static str {
    match image {
        ImageType::Png => "PNG",
        ImageType::Jpeg => "JPEG",
        ImageType::Webp => "WebP",
        ImageType::Gif => "GIF",
    }
}

fn too_big(name: &str, bytes: usize) -> String {
    format!(
        "“{name}” is {}: a file may be at most {}",
        size_words(bytes),
        size_words(MAX_ATTACHMENT_BYTES)
    )
}

/// The type given (unless it says nothing: `application/octet-stream`),
/// else the name's, else what the bytes are: an image type, a PDF, or
/// plain text when they are UTF-8 without NUL bytes.
fn decide_type(name: &str, given: Option<&str>, bytes: &[u8]) -> String {
    let given = given
        .map(str::trim)
        .filter(|t| attachment::is_media_type(t))
        .filter(|t| attachment::essence(t) != "application/octet-stream");
    if let Some(given) = given {
        return attachment::essence(given);
    }
    if let Some(by_name) = media_type_for_name(name) {
        return by_name.to_owned();
    }
    if let Some(image) = ImageType::sniff(bytes) {
        return image.media_type().to_owned();
    }
    if bytes.starts_with(b"%PDF-") {
        return "application/pdf".to_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => "text/plain".to_owned(),
        _ => "application/octet-stream".to_owned(),
    }
}

/// A name a share accepts: its last path part, without control
/// characters, at most [`MAX_ATTACHMENT_NAME_BYTES`] (the extension kept),
/// `file` when nothing is left.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        return "file".to_owned();
    }
    if clean.len() <= MAX_ATTACHMENT_NAME_BYTES {
        return clean.to_owned();
    }
    let extension = clean
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| ext.len() <= 16)
        .map(|ext| format!(".{ext}"))
        .unwrap_or_default();
    let mut stem_end = MAX_ATTACHMENT_NAME_BYTES - extension.len() - '…'.len_utf8();
    while !clean.is_char_boundary(stem_end) {
        stem_end -= 1;
    }
    format!("{}…{extension}", &clean[..stem_end])
}

/// Refuses the files of one message beyond chat-core's limits: at most
/// [`MAX_ATTACHMENTS_PER_MESSAGE`] files, and no more bytes than a share may
/// carry.
pub fn check_message(files: &[AttachmentRef]) -> Result<()> {
    if files.len() > MAX_ATTACHMENTS_PER_MESSAGE {
        return refused(format!(
            "a message may carry at most {MAX_ATTACHMENTS_PER_MESSAGE} files, not {}",
            files.len()
        ));
    }
    let total: usize = files
        .iter()
        .map(|f| usize::try_from(f.size).unwrap_or(usize::MAX))
        .fold(0, usize::saturating_add);
    if total > MAX_ATTACHMENTS_TOTAL_BYTES {
        return refused(format!(
            "the files of a message may total at most {}, not {}",
            size_words(MAX_ATTACHMENTS_TOTAL_BYTES),
            size_words(total)
        ));
    }
    Ok(())
}

/// A file from elsewhere (an imported share) as it is stored: an image
/// stripped again (its hash may change), any other file as it is.
pub fn imported(name: &str, media_type: &str, bytes: Vec<u8>) -> Result<NewAttachment> {
    let name = file_name(name);
    match Kind::of(media_type) {
        Kind::Image(declared) => image(&name, declared, &bytes),
        _ => Ok(NewAttachment::new(
            &name,
            &attachment::essence(media_type),
            bytes,
            None,
        )),
    }
}

/// The hash files are stored under.
pub fn hash(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}
