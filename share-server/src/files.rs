//! Serving the files a share attaches, at `/shared/{shareId}/files/{sha256}`.
//!
//! A file is answered only for a live share that attaches it, to a reader
//! who may open the share: the same gate as the page on every request
//! (live, then the password), decided as for a cached page (see
//! [`crate::delivery`]), so revoking or expiring a share takes its files
//! down on every instance as it takes down the page. Its bytes are
//! whatever the publisher sent, so the browser must never treat them as a
//! document of this origin: only the raster image types and plain text are
//! served as themselves (with `nosniff`), anything else (SVG, HTML, PDF…)
//! as an `application/octet-stream` download, and every answer carries a
//! sandboxing policy of its own, so even a file opened directly runs
//! nothing and loads nothing.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use chat_core::attachment::{is_sha256_hex, served_media_type};
use chrono::{DateTime, Utc};

use crate::cache::{CachedFile, Caching, Gate, PageCache};
use crate::delivery;
use crate::error::Error;
use crate::ids::ShareId;
use crate::protect::Access;
use crate::shares;
use crate::store::ShareStore;

/// The policy of every file answer: nothing may load or run, and the
/// document (should one be rendered) is sandboxed into a unique origin.
pub const FILE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; sandbox";

/// The answer to a request for the file `sha256` of share `id`: 404 for an
/// unknown share or a file it does not attach (malformed ids and hashes
/// included), 410 for an expired or revoked share, 401/429 for a protected
/// share without its password; else the file, or 304 when `If-None-Match`
/// names it.
///
/// The bytes (by hash) and the answer's headers (per share) are cached
/// with the share's gate, so a hit reads nothing from the store and
/// decides liveness as a cached page does (see [`crate::delivery`]).
pub async fn serve(
    store: &dyn ShareStore,
    cache: &PageCache,
    now: DateTime<Utc>,
    id: &str,
    sha256: &str,
    access: Access<'_>,
    request: &HeaderMap,
) -> Result<Response, Error> {
    let id = ShareId::parse(id).ok_or(Error::NotFound)?;
    if let Some((file, bytes)) = cache.file(&id, sha256)
        && delivery::check_cached(store, cache, now, &id, &file.gate)
            .await?
            .is_some()
    {
        access
            .admit(&id, file.gate.password_hash.as_deref(), now)
            .await?;
        return Ok(respond(&file, sha256, bytes, request));
    }
    let generation = cache.generation();
    let auth = store.share_auth(&id).await?;
    shares::check_status(auth.as_ref().map(|auth| auth.status), now)?;
    let auth = auth.ok_or(Error::NotFound)?;
    access
        .admit(&id, auth.password_hash.as_deref(), now)
        .await?;
    if !is_sha256_hex(sha256) {
        return Err(Error::NotFound);
    }
    let stored = store
        .share_file(&id, sha256)
        .await?
        .ok_or(Error::NotFound)?;
    let gate = Gate {
        expires_at: auth.status.expires_at,
        password_hash: auth.password_hash,
        max_views: auth.status.max_views,
        versions: auth.status.versions,
    };
    let file = Arc::new(cached_file(sha256, &stored.media_type, &stored.name, gate));
    let bytes = Bytes::from(stored.bytes);
    cache.insert_file(id, sha256, Arc::clone(&file), bytes.clone(), generation);
    Ok(respond(&file, sha256, bytes, request))
}

/// The headers of a file's 200 and 304: only the raster image types and
/// plain text are served as themselves, anything else as a download; the
/// strong ETag is the hash; a protected share's files are never kept by
/// shared caches.
pub fn cached_file(sha256: &str, media_type: &str, name: &str, gate: Gate) -> CachedFile {
    let (content_type, disposition) = match served_media_type(media_type) {
        Some(served) => (served, "inline"),
        None => ("application/octet-stream", "attachment"),
    };
    let caching = if gate.password_hash.is_some() {
        Caching::Private
    } else {
        Caching::Revalidate
    };
    let mut not_modified = HeaderMap::with_capacity(6);
    not_modified.insert(header::CACHE_CONTROL, caching.header());
    not_modified.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CONTENT_SECURITY_POLICY),
    );
    not_modified.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("\"{sha256}\"")) {
        not_modified.insert(header::ETAG, value);
    }
    let mut ok = not_modified.clone();
    ok.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("{disposition}; filename*=UTF-8''{}", percent_encode(name));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        ok.insert(header::CONTENT_DISPOSITION, value);
    }
    CachedFile {
        gate,
        ok,
        not_modified,
    }
}

/// The file, or 304 when `If-None-Match` names it.
pub fn respond(file: &CachedFile, sha256: &str, bytes: Bytes, request: &HeaderMap) -> Response {
    let not_modified = request.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| {
                    tag == "*"
                        || tag
                            .strip_prefix('"')
                            .and_then(|tag| tag.strip_suffix('"'))
                            .is_some_and(|tag| tag == sha256)
                })
        })
    });
    let (status, body, headers) = if not_modified {
        (StatusCode::NOT_MODIFIED, Body::empty(), &file.not_modified)
    } else {
        (StatusCode::OK, Body::from(bytes), &file.ok)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers.clone();
    response
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

    fn served(sha256: &str, request: &HeaderMap) -> Response {
        let gate = Gate {
            expires_at: None,
            password_hash: None,
            max_views: None,
            versions: 1,
        };
        let file = cached_file(sha256, "image/png", "a.png", gate);
        respond(&file, sha256, Bytes::from_static(b"png"), request)
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
            let response = served(&sha, &request);
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
