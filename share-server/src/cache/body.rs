//! A rendered body kept in memory: as is, gzip'd and brotli'd, with its
//! strong ETag and the headers of its answers, built once per way of
//! caching and reused by every request (a clone of a small map).

use std::io::Write;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use sha2::{Digest, Sha256};

/// Bodies smaller than this are not worth compressing.
const MIN_COMPRESS_BYTES: usize = 256;
const BROTLI_QUALITY: u32 = 9;
const BROTLI_WINDOW_BITS: u32 = 22;

/// A content coding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    pub const ALL: [Encoding; 3] = [Encoding::Identity, Encoding::Gzip, Encoding::Brotli];

    pub fn token(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
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
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Revalidate => "no-cache",
            Caching::Static => "public, max-age=3600",
            Caching::None => "no-store",
            Caching::Private => "private, no-store",
        })
    }
}

/// The headers of a body's 200 and 304 answers, per encoding.
#[derive(Debug)]
pub struct Heads {
    ok: [HeaderMap; 3],
    not_modified: [HeaderMap; 3],
}

impl Heads {
    pub fn get(&self, encoding: Encoding, not_modified: bool) -> &HeaderMap {
        let set = if not_modified {
            &self.not_modified
        } else {
            &self.ok
        };
        &set[encoding as usize]
    }
}

/// A response body ready to serve in every encoding.
#[derive(Debug)]
pub struct CachedBody {
    pub content_type: &'static str,
    /// `Content-Disposition` (downloads).
    pub disposition: Option<String>,
    /// Adds `X-Robots-Tag: noindex`.
    pub noindex: bool,
    /// A `Content-Security-Policy` of its own, instead of the server's.
    pub content_security_policy: Option<&'static str>,
    pub identity: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
    /// Quoted-string content of the strong ETag (hash of `identity`).
    pub etag: String,
    /// [`Heads`] per [`Caching`], built on first use.
    heads: [OnceLock<Heads>; 4],
}

impl CachedBody {
    /// Compresses `body` both ways (keeping a variant only when it is smaller)
    /// and hashes it. CPU-bound: call from a blocking task for large bodies.
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let mut body = Self::precompressed(content_type, body);
        let size = body.identity.len();
        if size >= MIN_COMPRESS_BYTES {
            body.gzip = smaller(gzip(&body.identity), size);
            body.brotli = smaller(brotli(&body.identity), size);
        }
        body
    }

    /// A body kept only as is: already compressed (a PNG), so gzip and
    /// brotli would gain nothing.
    pub fn precompressed(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let identity: Bytes = body.into();
        let etag = hex::encode(&Sha256::digest(&identity)[..16]);
        Self {
            content_type,
            disposition: None,
            noindex: false,
            content_security_policy: None,
            identity,
            gzip: None,
            brotli: None,
            etag,
            heads: Default::default(),
        }
    }

    pub fn with_disposition(mut self, disposition: String) -> Self {
        self.disposition = Some(disposition);
        self
    }

    pub fn with_content_security_policy(mut self, policy: &'static str) -> Self {
        self.content_security_policy = Some(policy);
        self
    }

    pub fn with_noindex(mut self, noindex: bool) -> Self {
        self.noindex = noindex;
        self
    }

    /// The bytes of one encoding (as is when that one is not kept).
    pub fn bytes(&self, encoding: Encoding) -> &Bytes {
        let variant = match encoding {
            Encoding::Identity => None,
            Encoding::Gzip => self.gzip.as_ref(),
            Encoding::Brotli => self.brotli.as_ref(),
        };
        variant.unwrap_or(&self.identity)
    }

    /// The strong ETag of one encoding (each encoding is its own
    /// representation, so each has its own tag).
    pub fn etag(&self, encoding: Encoding) -> String {
        match encoding.token() {
            None => format!("\"{}\"", self.etag),
            Some(coding) => format!("\"{}-{coding}\"", self.etag),
        }
    }

    /// The headers of its 200 and 304 answers when served with `caching`.
    pub fn heads(&self, caching: Caching) -> &Heads {
        self.heads[caching as usize].get_or_init(|| {
            let build =
                |not_modified| Encoding::ALL.map(|e| self.headers(caching, e, true, not_modified));
            Heads {
                ok: build(false),
                not_modified: build(true),
            }
        })
    }

    /// The headers of one answer: with the ETag when `conditional` (a 200
    /// or its 304), without what describes the body on a 304.
    pub fn headers(
        &self,
        caching: Caching,
        encoding: Encoding,
        conditional: bool,
        not_modified: bool,
    ) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        headers.insert(header::CACHE_CONTROL, caching.header());
        if conditional && let Ok(value) = HeaderValue::from_str(&self.etag(encoding)) {
            headers.insert(header::ETAG, value);
        }
        if self.noindex {
            headers.insert(
                HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex"),
            );
        }
        // On 304 too: a 304 updates the headers a cache stored with the body.
        if let Some(policy) = self
            .content_security_policy
            .and_then(|policy| HeaderValue::from_str(policy).ok())
        {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        if not_modified {
            return headers;
        }
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        if let Some(coding) = encoding.token() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        if let Some(value) = self
            .disposition
            .as_deref()
            .and_then(|d| HeaderValue::from_str(d).ok())
        {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        headers
    }

    /// Bytes held in memory.
    pub fn weight(&self) -> usize {
        self.identity.len()
            + self.gzip.as_ref().map_or(0, Bytes::len)
            + self.brotli.as_ref().map_or(0, Bytes::len)
            + self.etag.len()
            + self.disposition.as_ref().map_or(0, String::len)
            + 1024
    }
}

fn smaller(compressed: Option<Vec<u8>>, than: usize) -> Option<Bytes> {
    compressed.filter(|c| c.len() < than).map(Bytes::from)
}

fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok()
}

fn brotli(data: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = brotli::CompressorWriter::new(
        Vec::with_capacity(data.len() / 3),
        4096,
        BROTLI_QUALITY,
        BROTLI_WINDOW_BITS,
    );
    encoder.write_all(data).ok()?;
    encoder.flush().ok()?;
    Some(encoder.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compresses_and_hashes() {
        let body = CachedBody::new("text/html", "<p>hello</p>".repeat(200));
        assert!(body.gzip.as_ref().unwrap().len() < body.identity.len());
        assert!(body.brotli.as_ref().unwrap().len() < body.identity.len());
        assert_eq!(body.etag.len(), 32);
        let tiny = CachedBody::new("text/html", "hi");
        assert!(tiny.gzip.is_none() && tiny.brotli.is_none());
        assert_ne!(tiny.etag, body.etag);
    }

    #[test]
    fn prebuilt_heads_are_what_each_answer_would_build() {
        let body = CachedBody::new("text/html", "<p>hello</p>".repeat(200))
            .with_noindex(true)
            .with_disposition("attachment; filename=\"a.html\"".into())
            .with_content_security_policy("default-src 'none'");
        for caching in [Caching::Revalidate, Caching::Private] {
            let heads = body.heads(caching);
            for encoding in Encoding::ALL {
                for not_modified in [false, true] {
                    let built = body.headers(caching, encoding, true, not_modified);
                    assert_eq!(heads.get(encoding, not_modified), &built);
                }
            }
        }
        let ok = body.heads(Caching::Private).get(Encoding::Brotli, false);
        assert_eq!(ok[header::CONTENT_ENCODING], "br");
        assert_eq!(ok[header::CACHE_CONTROL], "private, no-store");
        assert_eq!(ok[header::ETAG], format!("\"{}-br\"", body.etag).as_str());
        assert_eq!(ok["x-robots-tag"], "noindex");
        let not_modified = body.heads(Caching::Private).get(Encoding::Brotli, true);
        assert!(!not_modified.contains_key(header::CONTENT_TYPE));
        assert_eq!(
            not_modified[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'"
        );
    }
}
