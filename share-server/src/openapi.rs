//! The OpenAPI 3.1 document, generated from the handlers' annotations so it
//! matches the real API.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, Failure};
use crate::routes::{ops, page, shares};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parlor share-server",
        description = "Publishes immutable chat snapshots and serves them read-only. \
            Every JSON answer is an envelope: `{\"success\": true, \"data\": …}` or \
            `{\"success\": false, \"error\": {\"code\", \"message\", \"field\"?}}`. \
            Users authenticate with `Authorization: Bearer <token>`; a share's \
            `deleteToken` revokes it when sent as `X-Delete-Token`."
    ),
    paths(
        shares::create,
        shares::get,
        shares::list,
        shares::delete,
        page::show,
        page::json,
        page::markdown,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi,
    ),
    components(schemas(Failure, ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "shares", description = "Publishing, reading, listing and revoking shares"),
        (name = "page", description = "The public read-only page and its downloads"),
        (name = "ops", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A user token from `share-server user add`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "deleteToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Delete-Token",
                "The `deleteToken` returned when the share was published",
            ))),
        );
    }
}

/// The document as pretty-printed JSON.
pub fn document_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
        format!("{{\"error\": \"could not render the OpenAPI document: {e}\"}}")
    })
}
