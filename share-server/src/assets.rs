//! Bodies that never change while the server runs: the stylesheet, the 404
//! and 410 pages and the OpenAPI document, rendered and compressed at start.
//! The OpenAPI document is generated from the routes above this module, so
//! it is handed in rather than built here.

use crate::cache::CachedBody;
use crate::page::{self, ErrorPage};

pub struct Assets {
    pub stylesheet: CachedBody,
    pub not_found: CachedBody,
    pub gone: CachedBody,
    pub openapi: CachedBody,
}

impl Assets {
    /// Renders the pages and stylesheet; `openapi` is the document as JSON.
    pub fn render(openapi: String) -> Self {
        Self {
            stylesheet: CachedBody::new("text/css; charset=utf-8", page::stylesheet()),
            not_found: error_page(ErrorPage::NotFound),
            gone: error_page(ErrorPage::Gone),
            openapi: CachedBody::new("application/json", openapi),
        }
    }

    pub(crate) fn error_page(&self, page: ErrorPage) -> &CachedBody {
        match page {
            ErrorPage::NotFound => &self.not_found,
            ErrorPage::Gone => &self.gone,
        }
    }
}

fn error_page(kind: ErrorPage) -> CachedBody {
    CachedBody::new("text/html; charset=utf-8", page::render_error(kind)).with_noindex(true)
}
