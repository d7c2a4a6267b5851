//! Turning a [`CachedBody`] into a response: content negotiation of
//! `Accept-Encoding`, strong ETags per encoding and `If-None-Match` → 304.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::cache::CachedBody;

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    fn token(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

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
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .or_else(|| p.trim().strip_prefix("Q="))
                })
                .find_map(|q| q.trim().parse::<f32>().ok())
                .map_or(1.0, |q| q.clamp(0.0, 1.0));
            let slot = match coding.as_str() {
                "br" => &mut prefs.brotli,
                "gzip" | "x-gzip" => &mut prefs.gzip,
                "identity" => &mut prefs.identity,
                "*" => &mut prefs.any,
                _ => continue,
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

/// The strong ETag of one encoding of a body (each encoding is its own
/// representation, so each has its own tag).
pub fn etag(body: &CachedBody, encoding: Encoding) -> String {
    match encoding.token() {
        None => format!("\"{}\"", body.etag),
        Some(coding) => format!("\"{}-{coding}\"", body.etag),
    }
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

/// How clients may cache a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Revalidate on every use (shares: revocation must take effect at once).
    Revalidate,
    /// Static for a while (the stylesheet, the OpenAPI document).
    Static,
    /// Not at all (error pages).
    None,
    /// Only by the reader's own browser, never stored (password-protected
    /// shares: no shared cache may keep or replay them).
    Private,
}

impl Caching {
    pub(crate) fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Revalidate => "no-cache",
            Caching::Static => "public, max-age=3600",
            Caching::None => "no-store",
            Caching::Private => "private, no-store",
        })
    }
}

/// A response carrying `body` in the negotiated encoding; 304 when the
/// client's `If-None-Match` matches (only for 200 responses).
pub fn cached(
    request: &HeaderMap,
    body: &CachedBody,
    status: StatusCode,
    caching: Caching,
) -> Response {
    let encoding = negotiate(request, body.gzip.is_some(), body.brotli.is_some());
    let conditional = status == StatusCode::OK;
    let (status, payload) = if conditional && not_modified(request, body) {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        let bytes = match encoding {
            Encoding::Identity => body.identity.clone(),
            Encoding::Gzip => body.gzip.clone().unwrap_or_else(|| body.identity.clone()),
            Encoding::Brotli => body.brotli.clone().unwrap_or_else(|| body.identity.clone()),
        };
        (status, Body::from(bytes))
    };
    let mut response = Response::new(payload);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::CACHE_CONTROL, caching.header());
    if conditional && let Ok(value) = HeaderValue::from_str(&etag(body, encoding)) {
        headers.insert(header::ETAG, value);
    }
    if body.noindex {
        headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    }
    // On 304 too: a 304 updates the headers a cache stored with the body.
    if let Some(policy) = body
        .content_security_policy
        .and_then(|policy| HeaderValue::from_str(policy).ok())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    if status == StatusCode::NOT_MODIFIED {
        return response;
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(body.content_type),
    );
    if let Some(coding) = encoding.token() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    if let Some(value) = body
        .disposition
        .as_deref()
        .and_then(|d| HeaderValue::from_str(d).ok())
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

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
