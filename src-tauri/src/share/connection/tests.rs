//! Each failure of the check against a real listener on loopback: closed
//! ports, plain HTTP servers that are something else, TLS servers with bad
//! certificates (made by rcgen), and real share-servers with good, wrong and
//! revoked tokens. Limits are short and nothing sleeps.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, Redirect};
use axum::routing::get;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, date_time_ymd,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use share_server::RunningServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::*;
use crate::error::AppError;
use crate::share::ShareError;

fn client() -> reqwest::Client {
    crate::providers::http::http_client().unwrap()
}

/// The check with short limits and no proxy, whatever the environment.
fn quick() -> Check {
    Check {
        connect_timeout: Duration::from_secs(3),
        request_timeout: Duration::from_secs(5),
        env: |_| None,
        extra_roots: Vec::new(),
    }
}

async fn check(url: &str, token: Option<&str>) -> Result<ServerInfo, ConnectionError> {
    quick().run(&client(), url, token).await
}

#[track_caller]
fn assert_fails(
    result: Result<ServerInfo, ConnectionError>,
    code: &str,
    sentence: &str,
) -> ConnectionError {
    let error = result.unwrap_err();
    assert_eq!(error.code(), code, "{error}");
    let message = error.to_string();
    assert!(message.contains(sentence), "{message:?} lacks {sentence:?}");
    error
}

#[track_caller]
fn tls_problem(error: &ConnectionError) -> &TlsProblem {
    match error {
        ConnectionError::Tls { problem, .. } => problem,
        other => panic!("not a TLS error: {other:?}"),
    }
}

/// An axum app on a free loopback port; its `http://127.0.0.1:port`.
async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

async fn share_server(config: share_server::Config) -> RunningServer {
    share_server::spawn(config).await.unwrap()
}

// --- the address ---

#[tokio::test]
async fn a_bad_address_is_named_before_any_traffic() {
    let client = client();
    let no_scheme = check_server(&client, "share.example.com", None).await;
    assert_fails(no_scheme, "invalid_url", "add https://");
    let share_link = check_server(&client, "https://share.example.com/shared/abc", None).await;
    assert_fails(
        share_link,
        "invalid_url",
        "the link to one shared chat, not the share-server's address: use https://share.example.com.",
    );
    let query = check_server(&client, "https://share.example.com/?user=ann", None).await;
    assert_fails(query, "invalid_url", "must not have a query");
}

#[tokio::test]
async fn a_token_with_a_line_break_is_refused_before_any_traffic() {
    let result = check("http://127.0.0.1:9", Some("pst_abc\ndef")).await;
    let error = assert_fails(result, "invalid_token", "copy it again");
    assert!(!format!("{error} {error:?}").contains("pst_abc"));
}

// --- DNS and TCP ---

#[tokio::test]
async fn a_name_that_does_not_resolve_is_a_dns_error() {
    // `.invalid` never resolves (RFC 6761); without a resolver at all the
    // lookup fails too, and that is the same DNS error. The DNS step alone:
    // a resolver that answers every name with its own address must not turn
    // this test into a connection to some outside host.
    let address = ServerAddress::parse("https://parlor-connection-test.invalid").unwrap();
    let error = network::resolve(&address, Duration::from_secs(3))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "dns");
    assert!(
        error
            .to_string()
            .starts_with("The name parlor-connection-test.invalid could not be found (DNS)."),
        "{error}"
    );
}

#[tokio::test]
async fn a_closed_port_is_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let result = check(&format!("http://127.0.0.1:{port}"), None).await;
    let error = assert_fails(
        result,
        "unreachable",
        &format!("Nothing answers on 127.0.0.1 port {port} (connection refused)"),
    );
    assert!(matches!(
        error,
        ConnectionError::Unreachable {
            reason: Unreachable::Refused,
            ..
        }
    ));
}

// --- HTTP servers that are not share-servers ---

#[tokio::test]
async fn a_web_server_that_is_not_a_share_server_is_named() {
    let cases = [
        (
            Router::new()
                .fallback(|| async { (StatusCode::NOT_FOUND, Html("<h1>Not Found</h1>")) }),
            "This address answers, but it is not a Parlor share-server (GET /api/v0/info returned 404 Not Found)",
        ),
        (
            Router::new().route(
                "/api/v0/info",
                get(|| async { Html("<!doctype html><title>Welcome</title>") }),
            ),
            "returned a web page (HTML)",
        ),
        (
            Router::new().route(
                "/api/v0/info",
                get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
            ),
            "returned JSON that is not a Parlor share-server's",
        ),
    ];
    for (app, sentence) in cases {
        let url = serve(app).await;
        assert_fails(check(&url, None).await, "not_share_server", sentence);
    }
}

#[tokio::test]
async fn a_failing_server_is_not_blamed_on_the_address() {
    let bad_gateway = serve(
        Router::new()
            .fallback(|| async { (StatusCode::BAD_GATEWAY, Html("<h1>502 Bad Gateway</h1>")) }),
    )
    .await;
    assert_fails(
        check(&bad_gateway, None).await,
        "server_error",
        "failed (502 Bad Gateway to GET /api/v0/info)",
    );
}

#[tokio::test]
async fn a_server_that_moved_is_named_by_its_new_address() {
    let moved_to = share_server(share_server::Config::default()).await;
    let target = format!("{}/api/v0/info", moved_to.base_url);
    let old = serve(Router::new().route(
        "/api/v0/info",
        get(move || {
            let target = target.clone();
            async move { Redirect::permanent(&target) }
        }),
    ))
    .await;
    let error = assert_fails(check(&old, None).await, "redirected", "redirects to");
    assert_eq!(
        error,
        ConnectionError::Redirected {
            server: old.clone(),
            to: moved_to.base_url.clone(),
        }
    );
}

// --- TLS ---

/// A certificate chain and its key, as a TLS server needs them.
struct Served {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn self_signed(names: &[&str]) -> Served {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(names).unwrap();
    Served {
        chain: vec![cert.der().clone()],
        key: PrivatePkcs8KeyDer::from(signing_key.serialize_der()).into(),
    }
}

/// A certificate authority of the tests' own.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Parlor test authority");
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Self { issuer }
    }

    fn root(&self) -> CertificateDer<'static> {
        self.issuer.der().clone()
    }

    fn issue(&self, names: &[&str], adjust: impl FnOnce(&mut CertificateParams)) -> Served {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        adjust(&mut params);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Served {
            chain: vec![cert.der().clone()],
            key: PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        }
    }
}

/// A TLS server on a free loopback port; after the handshake it answers
/// one request with `body` as JSON, or nothing. Its port.
async fn serve_tls(served: Served, body: Option<String>) -> u16 {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(served.chain, served.key)
    .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let body = body.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                let Some(body) = body else { return };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn bad_certificates_are_refused_and_named() {
    let authority = Authority::new();
    let expired = authority.issue(&["localhost"], |params| {
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2021, 1, 1);
    });
    // What is served, whether the check trusts its authority, the host
    // asked for, what the check says and the problem it names.
    let cases = [
        (
            self_signed(&["localhost"]),
            false,
            "localhost",
            "The certificate of localhost is self-signed, so it is not trusted by this computer.",
            "self_signed",
        ),
        (
            authority.issue(&["localhost"], |_| {}),
            false,
            "localhost",
            "The certificate of localhost is not trusted: it was issued by an authority this computer does not know.",
            "not_trusted",
        ),
        (
            authority.issue(&["wrong.example"], |_| {}),
            true,
            "127.0.0.1",
            "The certificate of 127.0.0.1 is not valid for this host name: it is for wrong.example.",
            "wrong_name",
        ),
        (
            expired,
            true,
            "localhost",
            "The certificate of localhost has expired on 2021-01-01: the admin needs to renew it.",
            "expired",
        ),
    ];
    for (served, trusted, host, sentence, problem) in cases {
        let port = serve_tls(served, None).await;
        let check = Check {
            extra_roots: if trusted {
                vec![authority.root()]
            } else {
                Vec::new()
            },
            ..quick()
        };
        let result = check
            .run(&client(), &format!("https://{host}:{port}"), None)
            .await;
        let error = assert_fails(result, "tls", sentence);
        assert_eq!(tls_problem(&error).code(), problem, "{error}");
    }
}

#[tokio::test]
async fn https_to_a_plain_http_port_does_not_speak_tls() {
    let plain = serve(Router::new().fallback(|| async { "hello" })).await;
    let port = plain.rsplit(':').next().unwrap();
    let error = assert_fails(
        check(&format!("https://127.0.0.1:{port}"), None).await,
        "tls",
        &format!(
            "The server does not speak TLS on this port — it answers plain HTTP: try http://127.0.0.1:{port}."
        ),
    );
    assert_eq!(
        tls_problem(&error),
        &TlsProblem::NotTls { answers_http: true }
    );
}

#[tokio::test]
async fn http_to_a_tls_port_says_use_https() {
    let port = serve_tls(self_signed(&["localhost"]), None).await;
    let error = assert_fails(
        check(&format!("http://localhost:{port}"), None).await,
        "tls",
        &format!("localhost port {port} speaks TLS, not plain HTTP: use https://localhost:{port}."),
    );
    assert_eq!(tls_problem(&error), &TlsProblem::HttpsExpected);
}

#[tokio::test]
async fn a_port_that_never_starts_tls_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (held, mut hold) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = held.send(stream);
        }
    });
    let check = Check {
        connect_timeout: Duration::from_millis(300),
        ..quick()
    };
    let result = check
        .run(&client(), &format!("https://127.0.0.1:{port}"), None)
        .await;
    let error = assert_fails(
        result,
        "tls",
        "accepted the connection but did not complete the TLS handshake within 0.3 s",
    );
    assert_eq!(
        tls_problem(&error),
        &TlsProblem::TimedOut(Duration::from_millis(300))
    );
    hold.close();
}

#[tokio::test]
async fn a_valid_certificate_passes_with_the_clients_own_verifier() {
    let authority = Authority::new();
    let info = ServerInfo {
        name: "Parlor share-server".into(),
        version: "9.9.9".into(),
        schema_versions: vec![chat_core::SCHEMA_VERSION],
        max_expiry_seconds: None,
        default_expiry_seconds: Some(3600),
        allow_anonymous: false,
        public_url: "https://localhost".into(),
    };
    let body = serde_json::json!({ "success": true, "data": info }).to_string();
    let port = serve_tls(authority.issue(&["localhost"], |_| {}), Some(body)).await;
    // The app's client, trusting the same extra authority.
    let _ = client();
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_der(&authority.root()).unwrap())
        .build()
        .unwrap();
    let check = Check {
        extra_roots: vec![authority.root()],
        ..quick()
    };
    let answer = check
        .run(
            &trusting,
            &format!("https://localhost:{port}/"),
            Some("pst_token"),
        )
        .await;
    assert_eq!(answer, Ok(info));
}

// --- real share-servers and their tokens ---

#[tokio::test]
async fn a_share_server_accepts_its_users_token() {
    let server = share_server(share_server::Config::default()).await;
    let token = server.add_user("ann").await.unwrap();
    let info = check(&format!("{}/", server.base_url), Some(&token))
        .await
        .unwrap();
    assert_eq!(
        info,
        ServerInfo {
            name: "Parlor share-server".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema_versions: chat_core::ACCEPTED_SCHEMA_VERSIONS.to_vec(),
            max_expiry_seconds: Some(365 * 24 * 3600),
            default_expiry_seconds: Some(30 * 24 * 3600),
            allow_anonymous: false,
            public_url: server.base_url.clone(),
        }
    );
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_never_shown() {
    let server = share_server(share_server::Config::default()).await;
    server.add_user("ann").await.unwrap();
    let wrong = "pst_0000000000000000000000000000000000000000000";
    let error = assert_fails(
        check(&server.base_url, Some(wrong)).await,
        "token_refused",
        "The server refused the token (401 Unauthorized): it is wrong, or its user was revoked — ask the admin for a new connect code.",
    );
    let shown = format!(
        "{error} {error:?} {}",
        serde_json::to_string(&AppError::from(ShareError::from(error.clone()))).unwrap()
    );
    assert!(!shown.contains(wrong), "{shown}");
}

#[tokio::test]
async fn a_revoked_users_token_is_refused() {
    let server = share_server(share_server::Config::default()).await;
    let token = server.add_user("ann").await.unwrap();
    assert!(check(&server.base_url, Some(&token)).await.is_ok());
    share_server::users::revoke_user(server.store().as_ref(), "ann")
        .await
        .unwrap();
    assert_fails(
        check(&server.base_url, Some(&token)).await,
        "token_refused",
        "its user was revoked",
    );
}

#[tokio::test]
async fn without_a_token_a_closed_server_needs_one_and_an_open_one_does_not() {
    let closed = share_server(share_server::Config::default()).await;
    assert_fails(
        check(&closed.base_url, None).await,
        "token_required",
        "publishing will need a token",
    );
    assert_fails(
        check(&closed.base_url, Some("  ")).await,
        "token_required",
        "publishing will need a token",
    );
    let open = share_server(share_server::Config::default().with_allow_anonymous(true)).await;
    let info = check(&open.base_url, None).await.unwrap();
    assert!(info.allow_anonymous);
}

#[tokio::test]
async fn a_server_reached_by_a_name_it_does_not_answer_for_says_so() {
    let server =
        share_server(share_server::Config::default().with_allowed_hosts(["share.example.com"]))
            .await;
    assert_fails(
        check(&server.base_url, None).await,
        "unknown_host",
        "does not answer for the name 127.0.0.1",
    );
}
