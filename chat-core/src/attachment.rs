//! Files attached to a message (schema version 2, `messages[].attachments`):
//! images the model saw, text files pasted in as fenced text, PDFs.
//!
//! A snapshot carries each file whole, base64 in `data`, with its `size` and
//! `sha256` so the server can check both before it stores the blob once by
//! hash. What a reader may do with a file depends only on its media type
//! ([`Kind`]): raster images are shown inline, text files as code, anything
//! else is a download — never rendered, whatever its bytes say.

mod sniff;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use sniff::{ImageType, dimensions};

/// One attached file, as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// The file's name as the user attached it (shown, and used as the
    /// download name); no path, no control characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 255))]
    pub name: String,
    /// `type/subtype`, e.g. `image/png`, `text/markdown`, `application/pdf`.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 127))]
    pub media_type: String,
    /// Bytes of the decoded file (a whole number; `1024.0` is read as 1024).
    #[serde(deserialize_with = "crate::snapshot::numbers::whole")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10485760))]
    pub size: i64,
    /// SHA-256 of the decoded file, 64 lowercase hex digits.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")
    )]
    pub sha256: String,
    /// The file, standard base64 (padding optional).
    pub data: String,
}

impl Attachment {
    /// An attachment of `bytes`, with its size, hash and base64 data.
    pub fn from_bytes(name: &str, media_type: &str, bytes: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            sha256: sha256_hex(bytes),
            data: STANDARD.encode(bytes),
        }
    }

    /// The decoded file (padding optional, whitespace refused).
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        decode_base64(&self.data)
    }

    /// How readers treat the file.
    pub fn kind(&self) -> Kind {
        Kind::of(&self.media_type)
    }
}

/// Decodes standard base64 with or without padding.
pub fn decode_base64(data: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(data).or_else(|_| {
        base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
        )
        .decode(data)
    })
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    out
}

/// Whether `text` is 64 lowercase hex digits (a [`sha256_hex`]).
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What a reader does with a file, decided by its media type alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PNG, JPEG, WebP or GIF: shown inline (its bytes must match the type).
    Image(ImageType),
    /// Plain text, source code, Markdown, CSV, JSON…: shown as code when it
    /// is UTF-8.
    Text,
    /// A PDF: only some providers read it; readers download it.
    Pdf,
    /// Anything else (SVG and HTML included): download only.
    Other,
}

impl Kind {
    /// The kind of a media type (parameters and case ignored).
    pub fn of(media_type: &str) -> Kind {
        let essence = essence(media_type);
        if let Some(image) = ImageType::from_media_type(&essence) {
            return Kind::Image(image);
        }
        if essence == "application/pdf" {
            return Kind::Pdf;
        }
        if TEXT_TYPES.contains(&essence.as_str())
            || (essence.starts_with("text/") && !RENDERABLE_TEXT.contains(&essence.as_str()))
        {
            return Kind::Text;
        }
        Kind::Other
    }
}

/// Text types a browser would render as a document rather than show as
/// text: never treated as text to display.
const RENDERABLE_TEXT: &[&str] = &["text/html", "text/xml", "text/xsl", "text/vtt"];

/// Media types outside `text/` that are text all the same.
const TEXT_TYPES: &[&str] = &[
    "application/json",
    "application/x-ndjson",
    "application/toml",
    "application/x-toml",
    "application/yaml",
    "application/x-yaml",
    "application/sql",
    "application/javascript",
    "application/x-sh",
];

/// The media type a reader's browser is told when it downloads the file:
/// an allowed raster image type as such, text as `text/plain`, everything
/// else `None` (serve as an `application/octet-stream` attachment).
pub fn served_media_type(media_type: &str) -> Option<&'static str> {
    match Kind::of(media_type) {
        Kind::Image(image) => Some(image.media_type()),
        Kind::Text if essence(media_type) == "text/plain" => Some("text/plain; charset=utf-8"),
        _ => None,
    }
}

/// `type/subtype` in lowercase, without parameters.
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether `media_type` is `type/subtype` with an optional `; key=value`
/// tail, in RFC 6838 token characters.
pub fn is_media_type(media_type: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part.len() <= 63
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let (essence, params) = media_type.split_once(';').unwrap_or((media_type, ""));
    let well_formed_params = params.split(';').all(|param| {
        let param = param.trim();
        param.is_empty()
            || param.split_once('=').is_some_and(|(key, value)| {
                token(key.trim()) && !value.is_empty() && !value.chars().any(char::is_control)
            })
    });
    essence
        .split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub))
        && well_formed_params
}

/// The media type of a file name's extension, for files whose type the
/// system did not say (`notes.md` → `text/markdown`); `None` when unknown.
pub fn media_type_for_name(name: &str) -> Option<&'static str> {
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    let media_type = match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "json" => "application/json",
        "toml" => "application/toml",
        "yaml" | "yml" => "application/yaml",
        "txt" | "log" | "text" => "text/plain",
        "rs" | "py" | "js" | "ts" | "tsx" | "jsx" | "go" | "c" | "h" | "cpp" | "hpp" | "cc"
        | "java" | "kt" | "swift" | "rb" | "php" | "cs" | "sh" | "bash" | "zsh" | "sql" | "css"
        | "scss" | "lua" | "r" | "scala" | "hs" | "ml" | "ex" | "exs" | "erl" | "clj" | "dart"
        | "zig" | "nim" | "pl" | "ini" | "cfg" | "conf" | "diff" | "patch" => "text/plain",
        _ => return None,
    };
    Some(media_type)
}

/// The fenced block a text file becomes in a prompt: its name, then its
/// text in a fence longer than any backtick run inside it.
pub fn fenced_text(name: &str, text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let language = name.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    format!("{name}\n{fence}{language}\n{text}\n{fence}")
}

#[cfg(test)]
mod tests;
