//! Serving the files a share attaches, at `/shared/{shareId}/files/{sha256}`.
//!
//! A file is answered only for a live share that attaches it, to a reader
//! who may open the share: the same gate as the page on every request
//! (live, then the password), so revoking or expiring a share takes its
//! files down at once, on every instance. Its bytes are
//! whatever the publisher sent, so the browser must never treat them as a
//! document of this origin: only the raster image types and plain text are
//! served as themselves (with `nosniff`), anything else (SVG, HTML, PDF…)
//! as an `application/octet-stream` download, and every answer carries a
//! sandboxing policy of its own, so even a file opened directly runs
//! nothing and loads nothing.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chat_core::attachment::{is_sha256_hex, served_media_type};
use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::ids::ShareId;
use crate::protect::Access;
use crate::respond::Caching;
use crate::shares;
use crate::store::ShareStore;

/// The policy of every file answer: nothing may load or run, and the
/// document (should one be rendered) is sandboxed into a unique origin.
pub const FILE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; sandbox";

/// A file ready to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedFile {
    /// Lowercase hex SHA-256 of `bytes`: the strong ETag.
    pub sha256: String,
    pub content_type: &'static str,
    pub disposition: String,
    pub bytes: Vec<u8>,
    /// Its share has a password: never kept by shared caches.
    pub protected: bool,
}

/// The file `sha256` of share `id`: 404 for an unknown share or a file it
/// does not attach (malformed ids and hashes included), 410 for an expired
/// or revoked share, 401/429 for a protected share without its password.
pub async fn file(
    store: &dyn ShareStore,
    now: DateTime<Utc>,
    id: &str,
    sha256: &str,
    access: Access<'_>,
) -> Result<ServedFile, Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    let password_hash = shares::password_of(store, &id, now).await?;
    access.admit(&id, password_hash.as_deref(), now).await?;
    if !is_sha256_hex(sha256) {
        return Err(Error::NotFound);
    }
    let stored = store
        .share_file(&id, sha256)
        .await?
        .ok_or(Error::NotFound)?;
    let (content_type, disposition) = match served_media_type(&stored.media_type) {
        Some(served) => (served, "inline"),
        None => ("application/octet-stream", "attachment"),
    };
    Ok(ServedFile {
        sha256: sha256.to_owned(),
        content_type,
        disposition: format!(
            "{disposition}; filename*=UTF-8''{}",
            percent_encode(&stored.name)
        ),
        bytes: stored.bytes,
        protected: password_hash.is_some(),
    })
}

impl ServedFile {
    /// The answer to `request`: the file, or 304 when `If-None-Match`
    /// names it.
    pub fn respond(self, request: &HeaderMap) -> Response {
        let etag = format!("\"{}\"", self.sha256);
        let not_modified = request.get_all(header::IF_NONE_MATCH).iter().any(|value| {
            value.to_str().is_ok_and(|value| {
                value
                    .split(',')
                    .map(|tag| tag.trim().trim_start_matches("W/"))
                    .any(|tag| tag == "*" || tag == etag)
            })
        });
        let (status, body) = if not_modified {
            (StatusCode::NOT_MODIFIED, Body::empty())
        } else {
            (StatusCode::OK, Body::from(self.bytes))
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        let caching = if self.protected {
            Caching::Private
        } else {
            Caching::Revalidate
        };
        headers.insert(header::CACHE_CONTROL, caching.header());
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FILE_CONTENT_SECURITY_POLICY),
        );
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, value);
        }
        if !not_modified {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if let Ok(value) = HeaderValue::from_str(&self.disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
        }
        response
    }
}

/// `name` as an RFC 8187 `ext-value`: UTF-8, every byte but the `attr-char`s
/// percent-encoded, so quotes, semicolons, CR/LF and paths cannot break
/// out of the header or name another place.
pub fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_percent_encoded() {
        for (name, encoded) in [
            ("photo.png", "photo.png"),
            ("my photo.png", "my%20photo.png"),
            ("été.txt", "%C3%A9t%C3%A9.txt"),
            (
                "a\";b\r\nSet-Cookie: x=1.txt",
                "a%22%3Bb%0D%0ASet-Cookie%3A%20x%3D1.txt",
            ),
            ("..%2F..", "..%252F.."),
        ] {
            assert_eq!(percent_encode(name), encoded, "{name:?}");
        }
    }

    fn served(sha256: &str) -> ServedFile {
        ServedFile {
            sha256: sha256.to_owned(),
            content_type: "image/png",
            disposition: "inline; filename*=UTF-8''a.png".into(),
            bytes: b"png".to_vec(),
            protected: false,
        }
    }

    #[test]
    fn a_matching_if_none_match_answers_304_with_the_policy() {
        let sha = "ab".repeat(32);
        for (sent, expected) in [
            (format!("\"{sha}\""), StatusCode::NOT_MODIFIED),
            (format!("W/\"{sha}\", \"other\""), StatusCode::NOT_MODIFIED),
            ("*".to_owned(), StatusCode::NOT_MODIFIED),
            ("\"other\"".to_owned(), StatusCode::OK),
        ] {
            let mut request = HeaderMap::new();
            request.insert(header::IF_NONE_MATCH, sent.parse().unwrap());
            let response = served(&sha).respond(&request);
            assert_eq!(response.status(), expected, "{sent}");
            let headers = response.headers();
            assert_eq!(headers[header::ETAG], format!("\"{sha}\"").as_str());
            assert_eq!(
                headers[header::CONTENT_SECURITY_POLICY],
                FILE_CONTENT_SECURITY_POLICY
            );
            assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
            assert_eq!(
                headers.contains_key(header::CONTENT_TYPE),
                expected == StatusCode::OK
            );
        }
    }
}
