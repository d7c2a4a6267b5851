//! The OpenAPI 3.1 document, generated from the handlers' annotations so it
//! matches the real API.

use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{Ref, Schema};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, Failure};
use crate::routes::{files, ops, page, shares, unlock, versions};

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
        page::html,
        page::og_image,
        unlock::unlock,
        files::show,
        versions::create,
        versions::show,
        ops::info,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::openapi,
    ),
    components(schemas(Failure, ErrorBody)),
    modifiers(&SecuritySchemes, &SnapshotVersions, &OpenObjects, &SharedChatSchema, &BodyLimit),
    tags(
        (name = "shares", description = "Publishing, reading, listing, updating (new versions) and revoking shares"),
        (name = "page", description = "The public read-only page and its downloads"),
        (name = "ops", description = "Server information, health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

/// The publish operation states the default body limit, from the constant
/// the server applies.
struct BodyLimit;

impl Modify for BodyLimit {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use chat_core::limits::{MAX_ATTACHMENTS_TOTAL_BYTES, MAX_BODY_BYTES, MAX_SNAPSHOT_BYTES};
        let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
        let Some(post) = openapi
            .paths
            .paths
            .get_mut(crate::routes::SHARES_PATH)
            .and_then(|item| item.post.as_mut())
        else {
            return;
        };
        let note = format!(
            "\n\nThe body may be up to {:.1} MiB ({MAX_BODY_BYTES} bytes) by default: {:.0} MiB \
             of JSON plus {:.0} MiB of attached files as base64 (the operator may set a lower \
             limit). Larger bodies get 413, as does a body whose JSON without the files' `data` \
             exceeds {:.0} MiB.",
            mib(MAX_BODY_BYTES),
            mib(MAX_SNAPSHOT_BYTES),
            mib(MAX_ATTACHMENTS_TOTAL_BYTES),
            mib(MAX_SNAPSHOT_BYTES),
        );
        let description = post.description.get_or_insert_with(String::new);
        description.push_str(&note);
    }
}

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

/// `schemaVersion` takes the versions chat-core reads: an enum, from the
/// same constant the server checks against.
struct SnapshotVersions;

impl Modify for SnapshotVersions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(RefOr::T(Schema::Object(snapshot))) = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut("ShareSnapshot"))
        else {
            return;
        };
        if let Some(RefOr::T(Schema::Object(version))) =
            snapshot.properties.get_mut("schemaVersion")
        {
            let mut versions: Vec<Value> = chat_core::ACCEPTED_SCHEMA_VERSIONS
                .iter()
                .map(|&v| Value::from(v))
                .collect();
            // `null` is read as absent, which means version 1.
            versions.push(Value::Null);
            version.enum_values = Some(versions);
        }
    }
}

/// `promptMeta` and a message's `params` keep keys they do not know (the
/// typed ones are the schema's properties): say so, with the limits
/// validation applies to how many there are and how their names look.
struct OpenObjects;

impl Modify for OpenObjects {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use chat_core::limits::{MAX_NAME_BYTES, MAX_PARAMS_OTHER, MAX_PROMPT_META_EXTRA_KEYS};
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, extra_keys) in [
            ("PromptMeta", MAX_PROMPT_META_EXTRA_KEYS),
            ("GenerationParams", MAX_PARAMS_OTHER),
        ] {
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) else {
                continue;
            };
            object.additional_properties = Some(Box::new(
                utoipa::openapi::schema::AdditionalProperties::FreeForm(true),
            ));
            object.max_properties = Some(extra_keys + object.properties.len());
            object.property_names = Some(Box::new(
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some(1))
                    .max_length(Some(MAX_NAME_BYTES))
                    .into(),
            ));
        }
    }
}

/// `SharedChat` flattens the snapshot into its own fields, which utoipa
/// writes as `allOf: [ShareSnapshot, {shareId, createdAt}]`. The snapshot
/// schema forbids unknown properties, so no real answer could match that:
/// `shareId` is unknown to the first branch. This writes the flattened object
/// out instead — the snapshot's properties plus the metadata — and points
/// `Success_SharedChat.data` at it.
struct SharedChatSchema;

impl Modify for SharedChatSchema {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let (Some(RefOr::T(Schema::Object(snapshot))), Some(RefOr::T(Schema::AllOf(shared)))) = (
            components.schemas.get("ShareSnapshot"),
            components.schemas.get("SharedChat"),
        ) else {
            return;
        };
        let mut flattened = snapshot.clone();
        flattened.description.clone_from(&shared.description);
        for part in &shared.items {
            if let RefOr::T(Schema::Object(metadata)) = part {
                for (name, property) in &metadata.properties {
                    flattened.properties.insert(name.clone(), property.clone());
                }
                flattened.required.extend(metadata.required.iter().cloned());
            }
        }
        components
            .schemas
            .insert("SharedChat".to_owned(), Schema::Object(flattened).into());
        if let Some(RefOr::T(Schema::Object(success))) =
            components.schemas.get_mut("Success_SharedChat")
        {
            success.properties.insert(
                "data".to_owned(),
                RefOr::Ref(Ref::from_schema_name("SharedChat")),
            );
        }
    }
}

/// The document as pretty-printed JSON. Built once when the server starts
/// ([`crate::build_state`] fails if it cannot be), so the route only ever
/// serves a complete document.
pub fn document_json() -> Result<String, serde_json::Error> {
    let mut document = serde_json::to_value(ApiDoc::openapi())?;
    camel_case_links(&mut document);
    serde_json::to_string_pretty(&document)
}

/// utoipa 5 writes the fields of a Link Object in snake case
/// (`operation_id`); OpenAPI spells them `operationId`, `operationRef` and
/// `requestBody`, and tools ignore (or reject) the others.
fn camel_case_links(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let links = paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|operations| operations.values_mut())
        .filter_map(|operation| operation.get_mut("responses")?.as_object_mut())
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links")?.as_object_mut())
        .flat_map(|links| links.values_mut())
        .filter_map(Value::as_object_mut);
    for link in links {
        for (snake, camel) in [
            ("operation_id", "operationId"),
            ("operation_ref", "operationRef"),
            ("request_body", "requestBody"),
        ] {
            if let Some(value) = link.remove(snake) {
                link.insert(camel.to_owned(), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_operations_that_exist() {
        let doc: Value = serde_json::from_str(&document_json().unwrap()).unwrap();
        let operation_ids: Vec<&str> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|operations| operations.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        let links = doc["paths"]["/api/v0/shared-chats"]["post"]["responses"]["201"]["links"]
            .as_object()
            .unwrap();
        assert_eq!(links.len(), 6);
        for (name, link) in links {
            assert!(link.get("operation_id").is_none(), "{name}: {link}");
            let target = link["operationId"].as_str().unwrap();
            assert!(operation_ids.contains(&target), "{name} → {target}");
            assert_eq!(
                link["parameters"]["shareId"],
                "$response.body#/data/shareId"
            );
        }
    }

    #[test]
    fn a_shared_chat_is_one_flat_object() {
        let doc: Value = serde_json::from_str(&document_json().unwrap()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let shared = &schemas["SharedChat"];
        assert!(shared.get("allOf").is_none(), "{shared}");
        assert_eq!(shared["additionalProperties"], false);
        let snapshot = schemas["ShareSnapshot"]["properties"].as_object().unwrap();
        let properties = shared["properties"].as_object().unwrap();
        for name in snapshot
            .keys()
            .map(String::as_str)
            .chain(["shareId", "createdAt"])
        {
            assert!(properties.contains_key(name), "{name} missing");
        }
        let required: Vec<&str> = shared["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(required.contains(&"shareId") && required.contains(&"createdAt"));
        assert_eq!(
            schemas["Success_SharedChat"]["properties"]["data"]["$ref"],
            "#/components/schemas/SharedChat"
        );
    }
}
