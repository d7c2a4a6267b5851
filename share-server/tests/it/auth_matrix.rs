//! Every route × every kind of credential, as one table: only the right
//! callers succeed, and a refusal on a share route is byte-identical to the
//! answer for a share that does not exist (it says nothing about the share).
//! Each check runs on SQLite and on PostgreSQL, and the table is walked once
//! with version 1 snapshots and once with version 2 ones.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use crate::common;

use std::cell::Cell;

use common::{Schema, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

/// What the caller presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credential {
    None,
    /// An `Authorization` header that is not `Bearer <token>`; see [`MALFORMED`].
    Malformed,
    /// A well-formed user token that belongs to nobody.
    BadToken,
    /// A valid token of another user.
    OtherUser,
    /// The token of a user the admin revoked.
    RevokedUser,
    /// The share's own delete token in `X-Delete-Token` (no bearer).
    DeleteToken,
    /// The owner's token.
    Owner,
}

const CREDENTIALS: [Credential; 7] = [
    Credential::None,
    Credential::Malformed,
    Credential::BadToken,
    Credential::OtherUser,
    Credential::RevokedUser,
    Credential::DeleteToken,
    Credential::Owner,
];

/// `Authorization` values that are not a usable bearer token.
const MALFORMED: [&[u8]; 7] = [
    b"Bearer",
    b"Bearer ",
    b"Basic YWxpY2U6c2VjcmV0",
    b"Token psu_abc",
    b"psu_abc",
    b"Bearer psu_\xff\xfe",
    b"Bearer \t ",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Publish,
    List,
    ApiGet,
    ApiDelete,
    Page,
    PageJson,
    PageMarkdown,
    OgImage,
    Stylesheet,
    Healthz,
    Readyz,
    Metrics,
    OpenApi,
    PublishVersion,
    VersionPage,
}

const ROUTES: [Route; 15] = [
    Route::Publish,
    Route::List,
    Route::ApiGet,
    Route::ApiDelete,
    Route::Page,
    Route::PageJson,
    Route::PageMarkdown,
    Route::OgImage,
    Route::Stylesheet,
    Route::Healthz,
    Route::Readyz,
    Route::Metrics,
    Route::OpenApi,
    Route::PublishVersion,
    Route::VersionPage,
];

impl Route {
    fn method(self) -> reqwest::Method {
        match self {
            Route::Publish | Route::PublishVersion => reqwest::Method::POST,
            Route::ApiDelete => reqwest::Method::DELETE,
            _ => reqwest::Method::GET,
        }
    }

    fn path(self, share_id: &str) -> String {
        match self {
            Route::Publish | Route::List => "/api/v0/shared-chats".into(),
            Route::ApiGet | Route::ApiDelete => format!("/api/v0/shared-chats/{share_id}"),
            Route::Page => format!("/shared/{share_id}"),
            Route::PageJson => format!("/shared/{share_id}.json"),
            Route::PageMarkdown => format!("/shared/{share_id}.md"),
            Route::OgImage => format!("/shared/{share_id}/og.png"),
            Route::Stylesheet => "/assets/share.css".into(),
            Route::Healthz => "/healthz".into(),
            Route::Readyz => "/readyz".into(),
            Route::Metrics => "/metrics".into(),
            Route::OpenApi => "/api/v0/openapi.json".into(),
            Route::PublishVersion => format!("/api/v0/shared-chats/{share_id}/versions"),
            Route::VersionPage => format!("/shared/{share_id}/v/1"),
        }
    }

    /// Whether the answer depends on which share the path names.
    fn names_a_share(self) -> bool {
        matches!(
            self,
            Route::ApiGet
                | Route::ApiDelete
                | Route::Page
                | Route::PageJson
                | Route::PageMarkdown
                | Route::OgImage
                | Route::PublishVersion
                | Route::VersionPage
        )
    }
}

/// What a cell of the matrix must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    /// Success with this status.
    Allowed(StatusCode),
    /// Refused with this status and error code, and the same bytes whether
    /// or not the share exists.
    Refused(StatusCode, &'static str),
}

/// The table: who may do what with a live share owned by `Owner`.
fn expected(route: Route, credential: Credential) -> Expected {
    use Credential as C;
    use Expected::{Allowed, Refused};
    let unauthorized = Refused(StatusCode::UNAUTHORIZED, "unauthorized");
    let invalid_token = Refused(StatusCode::UNAUTHORIZED, "invalid_token");
    match route {
        // Publishing and listing need a valid bearer token; any user's will do.
        Route::Publish | Route::List => {
            let ok = if route == Route::Publish {
                Allowed(StatusCode::CREATED)
            } else {
                Allowed(StatusCode::OK)
            };
            match credential {
                C::None | C::DeleteToken => unauthorized,
                C::Malformed | C::BadToken | C::RevokedUser => invalid_token,
                C::OtherUser | C::Owner => ok,
            }
        }
        // Revoking and publishing a new version: the owner or the share's
        // delete token; another user learns nothing (the unknown-share 404).
        Route::ApiDelete | Route::PublishVersion => match credential {
            C::None => unauthorized,
            C::Malformed | C::BadToken | C::RevokedUser => invalid_token,
            C::OtherUser => Refused(StatusCode::NOT_FOUND, "not_found"),
            C::DeleteToken | C::Owner if route == Route::ApiDelete => Allowed(StatusCode::OK),
            C::DeleteToken | C::Owner => Allowed(StatusCode::CREATED),
        },
        // Everything else is public and ignores credentials.
        Route::ApiGet
        | Route::Page
        | Route::PageJson
        | Route::PageMarkdown
        | Route::OgImage
        | Route::Stylesheet
        | Route::Healthz
        | Route::Readyz
        | Route::Metrics
        | Route::OpenApi
        | Route::VersionPage => Allowed(StatusCode::OK),
    }
}

/// The parts of an answer that must not differ between an existing and an
/// unknown share (dates, request ids and the like are left out).
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: StatusCode,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    body: Vec<u8>,
}

struct Fixture {
    server: TestServer,
    owner: String,
    other: String,
    revoked: String,
    bad: String,
    /// The schema version of the snapshots published from now on.
    schema: Cell<Schema>,
}

/// A share published by the owner: its id and delete token.
struct Share {
    id: String,
    delete_token: String,
}

impl Fixture {
    async fn new(server: TestServer) -> Self {
        let owner = server.user("owner").await;
        let other = server.user("other").await;
        let revoked = server.user("revoked").await;
        // The revoked user published before losing access.
        server.publish_ok(Some(&revoked)).await;
        share_server::users::revoke_user(server.server.store().as_ref(), "revoked")
            .await
            .unwrap();
        // Same shape as a real token, one character off.
        let mut bad = owner.clone();
        let last = bad.pop().unwrap();
        bad.push(if last == 'a' { 'b' } else { 'a' });
        Self {
            server,
            owner,
            other,
            revoked,
            bad,
            schema: Cell::new(Schema::V1),
        }
    }

    async fn publish(&self, token: Option<&str>) -> Share {
        let snapshot = common::snapshot_in(self.schema.get(), "A shared chat");
        let response = self.server.publish(token, &snapshot).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        let data = &body["data"];
        Share {
            id: data["shareId"].as_str().unwrap().to_owned(),
            delete_token: data["deleteToken"].as_str().unwrap().to_owned(),
        }
    }

    /// Sends `route` for `share_id` with `credential` (`authorization`
    /// overrides the header for [`Credential::Malformed`]).
    async fn send(
        &self,
        route: Route,
        share_id: &str,
        credential: Credential,
        delete_token: &str,
        malformed: &[u8],
    ) -> Answer {
        let server = &self.server;
        let mut request = server
            .client
            .request(route.method(), server.url(&route.path(share_id)));
        if matches!(route, Route::Publish | Route::PublishVersion) {
            request = request.header("content-type", "application/json").body(
                serde_json::to_vec(&common::snapshot_in(self.schema.get(), "matrix")).unwrap(),
            );
        }
        request = match credential {
            Credential::None => request,
            Credential::Malformed => request.header(
                "authorization",
                reqwest::header::HeaderValue::from_bytes(malformed).unwrap(),
            ),
            Credential::BadToken => request.bearer_auth(&self.bad),
            Credential::OtherUser => request.bearer_auth(&self.other),
            Credential::RevokedUser => request.bearer_auth(&self.revoked),
            Credential::DeleteToken => request.header("x-delete-token", delete_token),
            Credential::Owner => request.bearer_auth(&self.owner),
        };
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        Answer {
            status: response.status(),
            content_type: header("content-type"),
            www_authenticate: header("www-authenticate"),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn share_status(&self, id: &str) -> StatusCode {
        self.server.read(id).await.status()
    }
}

fn json(answer: &Answer) -> Value {
    serde_json::from_slice(&answer.body).unwrap_or(Value::Null)
}

/// A well-formed id that was never issued, and one that is not even an id.
const UNKNOWN_IDS: [&str; 2] = ["AAAAAAAAAAAAAAAAAAAAAA", "not-a-share"];

on_both_backends!(every_route_for_every_credential, |c| c);
async fn every_route_for_every_credential(server: TestServer) {
    let fixture = Fixture::new(server).await;
    for schema in Schema::ALL {
        fixture.schema.set(schema);
        walk_the_table(&fixture).await;
    }
}

async fn walk_the_table(fixture: &Fixture) {
    let schema = fixture.schema.get();
    let mut checked = 0;
    for route in ROUTES {
        for credential in CREDENTIALS {
            let variants: &[&[u8]] = if credential == Credential::Malformed {
                &MALFORMED
            } else {
                &[b""]
            };
            for &malformed in variants {
                let cell = format!(
                    "{schema:?}: {route:?} × {credential:?} {:?}",
                    String::from_utf8_lossy(malformed)
                );
                // A fresh share per cell: a successful DELETE must not affect the next.
                let share = fixture.publish(Some(&fixture.owner)).await;
                let answer = fixture
                    .send(route, &share.id, credential, &share.delete_token, malformed)
                    .await;
                match expected(route, credential) {
                    Expected::Allowed(status) => {
                        assert_eq!(answer.status, status, "{cell}: {:?}", json(&answer));
                        check_success(fixture, route, credential, &share, &answer, &cell).await;
                    }
                    Expected::Refused(status, code) => {
                        assert_eq!(answer.status, status, "{cell}");
                        let body = json(&answer);
                        assert_eq!(body["success"], false, "{cell}");
                        assert_eq!(body["error"]["code"], code, "{cell}: {body}");
                        if route.names_a_share() {
                            for unknown in UNKNOWN_IDS {
                                let other_share = fixture.publish(Some(&fixture.other)).await;
                                let for_unknown = fixture
                                    .send(
                                        route,
                                        unknown,
                                        credential,
                                        &other_share.delete_token,
                                        malformed,
                                    )
                                    .await;
                                assert_eq!(
                                    answer, for_unknown,
                                    "{cell}: the refusal differs from the one for {unknown}"
                                );
                            }
                        }
                        // A refused DELETE leaves the share live.
                        assert_eq!(fixture.share_status(&share.id).await, StatusCode::OK);
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        ROUTES.len() * (CREDENTIALS.len() + MALFORMED.len() - 1)
    );
}

/// What a success must (not) contain beyond its status.
async fn check_success(
    fixture: &Fixture,
    route: Route,
    credential: Credential,
    share: &Share,
    answer: &Answer,
    cell: &str,
) {
    match route {
        Route::ApiDelete => {
            assert_eq!(json(answer)["data"]["shareId"], share.id.as_str(), "{cell}");
            assert_eq!(
                fixture.share_status(&share.id).await,
                StatusCode::GONE,
                "{cell}"
            );
        }
        Route::List => {
            let listed: Vec<String> = json(answer)["data"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["shareId"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(
                listed.contains(&share.id),
                credential == Credential::Owner,
                "{cell}: only the owner's list shows the share"
            );
            assert!(
                !String::from_utf8_lossy(&answer.body).contains("deleteToken"),
                "{cell}"
            );
        }
        Route::PublishVersion => {
            assert_eq!(json(answer)["data"]["version"], 2, "{cell}");
            assert_eq!(
                fixture.server.read_json(&share.id).await["data"]["title"],
                "matrix",
                "{cell}: the share shows the new version"
            );
        }
        Route::ApiGet
        | Route::Page
        | Route::PageJson
        | Route::PageMarkdown
        | Route::OgImage
        | Route::VersionPage => {
            // Public answers do not depend on who asks.
            let anonymous = fixture
                .send(route, &share.id, Credential::None, "", b"")
                .await;
            assert_eq!(*answer, anonymous, "{cell}");
            let text = String::from_utf8_lossy(&answer.body);
            assert!(!text.contains(&share.delete_token), "{cell}");
            assert!(!text.contains(&fixture.owner), "{cell}");
            assert!(!text.contains("\"owner"), "{cell}");
        }
        _ => {}
    }
}

on_both_backends!(revoking_a_revoked_share, |c| c);
/// A revoked share: the owner and its delete token hear 410, everyone else
/// the same as for an unknown share.
async fn revoking_a_revoked_share(server: TestServer) {
    let fixture = Fixture::new(server).await;
    let share = fixture.publish(Some(&fixture.owner)).await;
    let first = fixture
        .send(
            Route::ApiDelete,
            &share.id,
            Credential::Owner,
            &share.delete_token,
            b"",
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    for credential in CREDENTIALS {
        let answer = fixture
            .send(
                Route::ApiDelete,
                &share.id,
                credential,
                &share.delete_token,
                MALFORMED[0],
            )
            .await;
        let unknown = fixture
            .send(
                Route::ApiDelete,
                UNKNOWN_IDS[0],
                credential,
                "psd_unknown",
                MALFORMED[0],
            )
            .await;
        match credential {
            Credential::Owner | Credential::DeleteToken => {
                assert_eq!(answer.status, StatusCode::GONE, "{credential:?}");
            }
            _ => assert_eq!(answer, unknown, "{credential:?}"),
        }
    }
}

on_both_backends!(
    anonymous_shares_are_revoked_by_their_delete_token_only,
    |c| c.with_allow_anonymous(true)
);
/// An anonymous share has no owner: only its delete token revokes it.
async fn anonymous_shares_are_revoked_by_their_delete_token_only(server: TestServer) {
    let user = server.user("someone").await;
    let share = server.publish_ok(None).await;
    let id = share["shareId"].as_str().unwrap();
    let delete_token = share["deleteToken"].as_str().unwrap();
    let other = server.publish_ok(None).await;
    let other_token = other["deleteToken"].as_str().unwrap();

    let answer = |response: reqwest::Response| async move {
        (response.status(), response.bytes().await.unwrap())
    };
    let unknown = answer(
        server
            .delete(UNKNOWN_IDS[0], Some(&user), Some(other_token))
            .await,
    )
    .await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    for (bearer, token) in [
        (Some(user.as_str()), None),
        (None, Some(other_token)),
        (Some(user.as_str()), Some(other_token)),
    ] {
        let refused = answer(server.delete(id, bearer, token).await).await;
        assert_eq!(refused, unknown, "{bearer:?} {token:?}");
    }
    let revoked = server.delete(id, None, Some(delete_token)).await;
    assert_eq!(revoked.status(), StatusCode::OK);
}
