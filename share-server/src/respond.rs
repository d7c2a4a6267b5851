//! Turning a [`CachedBody`] into a response: content negotiation of
//! `Accept-Encoding`, strong ETags per encoding and `If-None-Match` → 304.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use crate::cache::CachedBody;
pub use crate::cache::{Caching, Encoding};

/// The `q` values a client gave, per coding (`None`: not mentioned).
#[derive(Debug, Default)]
struct Preferences {
    brotli: Option<f32>,
    gzip: Option<f32>,
    identity: Option<f32>,
    any: Option<f32>,
}

fn preferences(headers: &HeaderMap) -> Preferences {
    let mut prefs = Preferences::default();
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .or_else(|| p.trim().strip_prefix("Q="))
                })
                .find_map(|q| q.trim().parse::<f32>().ok())
                .map_or(1.0, |q| q.clamp(0.0, 1.0));
            let is = |name: &str| coding.eq_ignore_ascii_case(name);
            let slot = if is("br") {
                &mut prefs.brotli
            } else if is("gzip") || is("x-gzip") {
                &mut prefs.gzip
            } else if is("identity") {
                &mut prefs.identity
            } else if coding == "*" {
                &mut prefs.any
            } else {
                continue;
            };
            *slot = Some(q);
        }
    }
    prefs
}

/// Picks the encoding to send: the available one the client rates highest,
/// brotli before gzip before identity on ties. Identity is the fallback even
/// when refused (a 406 would help nobody).
pub fn negotiate(headers: &HeaderMap, has_gzip: bool, has_brotli: bool) -> Encoding {
    let prefs = preferences(headers);
    let brotli = prefs.brotli.or(prefs.any).unwrap_or(0.0);
    let gzip = prefs.gzip.or(prefs.any).unwrap_or(0.0);
    // Identity is always acceptable, but a client that lists codings
    // prefers them to an unlisted identity.
    let identity = prefs.identity.or(prefs.any).unwrap_or(0.0).max(0.001);
    let mut best = (Encoding::Identity, identity);
    if has_gzip && gzip > 0.0 && gzip >= best.1 {
        best = (Encoding::Gzip, gzip);
    }
    if has_brotli && brotli > 0.0 && brotli >= best.1 {
        best = (Encoding::Brotli, brotli);
    }
    best.0
}

/// Whether `If-None-Match` names any encoding of this body (weak comparison,
/// as RFC 9110 prescribes for `If-None-Match`).
pub fn not_modified(headers: &HeaderMap, body: &CachedBody) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value.to_str().is_ok_and(|value| {
            value.split(',').map(str::trim).any(|tag| {
                let tag = tag.strip_prefix("W/").unwrap_or(tag);
                tag == "*"
                    || tag
                        .strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .and_then(|t| t.strip_prefix(body.etag.as_str()))
                        .is_some_and(|suffix| matches!(suffix, "" | "-gzip" | "-br"))
            })
        })
    })
}

/// A response carrying `body` in the negotiated encoding; 304 when the
/// client's `If-None-Match` matches (only for 200 responses). The headers
/// of a 200 and its 304 are the body's, built once (see
/// [`CachedBody::heads`]).
pub fn cached(
    request: &HeaderMap,
    body: &CachedBody,
    status: StatusCode,
    caching: Caching,
) -> Response {
    let encoding = negotiate(request, body.gzip.is_some(), body.brotli.is_some());
    let (status, payload, headers) = if status != StatusCode::OK {
        let headers = body.headers(caching, encoding, false, false);
        (status, Body::from(body.bytes(encoding).clone()), headers)
    } else if not_modified(request, body) {
        let headers = body.heads(caching).get(encoding, true).clone();
        (StatusCode::NOT_MODIFIED, Body::empty(), headers)
    } else {
        let headers = body.heads(caching).get(encoding, false).clone();
        (status, Body::from(body.bytes(encoding).clone()), headers)
    };
    let mut response = Response::new(payload);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn etag(body: &CachedBody, encoding: Encoding) -> String {
        body.etag(encoding)
    }

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn negotiation() {
        use Encoding::{Brotli, Gzip, Identity};
        assert_eq!(negotiate(&HeaderMap::new(), true, true), Identity);
        // (Accept-Encoding, has gzip, has brotli, chosen)
        for (value, has_gzip, has_brotli, chosen) in [
            ("gzip, deflate, br", true, true, Brotli),
            ("gzip, deflate, br", true, false, Gzip),
            ("gzip;q=1.0, br;q=0.5", true, true, Gzip),
            ("br;q=0.2", true, true, Brotli),
            ("identity;q=0.5, br;q=0.2", true, true, Identity),
            ("br;q=0, gzip", true, true, Gzip),
            ("*", true, true, Brotli),
            ("*;q=0, identity", true, true, Identity),
            ("identity;q=0, gzip;q=0.1", true, true, Gzip),
            ("deflate", true, true, Identity),
            ("gzip", false, false, Identity),
        ] {
            let negotiated = negotiate(&accept(value), has_gzip, has_brotli);
            assert_eq!(
                negotiated, chosen,
                "{value} (gzip {has_gzip}, br {has_brotli})"
            );
        }
    }

    #[test]
    fn if_none_match() {
        let body = CachedBody::new("text/plain", "x".repeat(1000));
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(value).unwrap());
            not_modified(&headers, &body)
        };
        assert!(with(&etag(&body, Encoding::Identity)));
        assert!(with(&etag(&body, Encoding::Brotli)));
        assert!(with(&format!(
            "\"other\", W/{}",
            etag(&body, Encoding::Gzip)
        )));
        assert!(with("*"));
        assert!(!with("\"other\""));
        assert!(!with(&format!("\"{}-zstd\"", body.etag)));
        assert!(!not_modified(&HeaderMap::new(), &body));
    }
}
