//! Password-protected shares through the real API, on SQLite and
//! PostgreSQL: what a publish accepts as a password, that every read (page,
//! API, downloads, files, preview card) needs it, that the page without it
//! shows nothing of the share, the unlock form and its cookie (bound to one
//! share, signed, expiring, accepted by a second instance on the same
//! database), and the limits on wrong guesses.

use crate::attachments::{attach, conversation, file_path, png_of};
use crate::common::{self, PUBLIC_URL, TestServer, assert_retry_after, expect_error};
use crate::pg;

use chat_core::attachment::{Attachment, sha256_hex};
use chrono::TimeDelta;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use serde_json::Value;
use share_server::Config;

pub const PASSWORD: &str = "correct horse ü 🔐 密码";
pub const TITLE: &str = "Secret roadmap";
pub const CONTENT_MARKER: &str = "What is the weather in Paris?";

/// A password-protected share with an attached PNG: its id, delete token
/// and the file's hash.
pub struct Protected {
    pub id: String,
    pub sha256: String,
}

pub async fn publish_protected(server: &TestServer, token: &str, password: &str) -> Protected {
    let png = png_of(100, 0);
    let sha256 = sha256_hex(&png);
    let mut snapshot = attach(
        conversation(),
        0,
        &[Attachment::from_bytes("chart.png", "image/png", &png)],
    );
    snapshot["title"] = Value::from(TITLE);
    let response = publish_with_password(server, token, &snapshot, password.as_bytes()).await;
    let data = common::created(response).await;
    Protected {
        id: data["shareId"].as_str().unwrap().to_owned(),
        sha256,
    }
}

pub async fn publish_with_password(
    server: &TestServer,
    token: &str,
    snapshot: &Value,
    password: &[u8],
) -> reqwest::Response {
    server
        .post()
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header(
            "x-share-password",
            HeaderValue::from_bytes(password).unwrap(),
        )
        .body(serde_json::to_vec(snapshot).unwrap())
        .send()
        .await
        .unwrap()
}

/// `GET path` from `client` (`X-Forwarded-For`, which the servers of
/// these tests trust) with an `X-Share-Password` and/or a `Cookie` header.
pub async fn get_with(
    server: &TestServer,
    path: &str,
    client: &str,
    password: Option<&str>,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = server
        .client
        .get(server.url(path))
        .header("x-forwarded-for", client);
    if let Some(password) = password {
        request = request.header(
            "x-share-password",
            HeaderValue::from_bytes(password.as_bytes()).unwrap(),
        );
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// Sends the unlock form from `client`, not following the redirect.
pub async fn unlock(
    server: &TestServer,
    id: &str,
    client: &str,
    password: &str,
) -> reqwest::Response {
    let body: String = url_encode(password);
    common::http_client();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(server.url(&format!("/shared/{id}/unlock")))
        .header("x-forwarded-for", client)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("password={body}"))
        .send()
        .await
        .unwrap()
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// `name=value` of the `Set-Cookie` of an unlock.
pub fn cookie_of(response: &reqwest::Response) -> String {
    header(response, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// Trust `X-Forwarded-For`, so each test picks its clients.
pub fn forwarded(config: Config) -> Config {
    Config {
        trust_forwarded_for: true,
        ..config
    }
}

/// Every read path of a share.
fn reads(share: &Protected) -> Vec<String> {
    let id = &share.id;
    vec![
        format!("/shared/{id}"),
        format!("{}/{id}", common::SHARES),
        format!("/shared/{id}.json"),
        format!("/shared/{id}.md"),
        format!("/shared/{id}.html"),
        file_path(id, &share.sha256),
    ]
}

on_both_backends!(passwords_are_checked_and_never_stored, super::forwarded);
async fn passwords_are_checked_and_never_stored(server: TestServer) {
    let token = server.user("alice").await;
    let snapshot = conversation();
    let huge = "p".repeat(1025);
    for bad in [
        b"".as_slice(),
        huge.as_bytes(),
        b"tab\tin",
        // Other control characters cannot even be sent in a header.
        b"\xff\xfe",
    ] {
        let response = publish_with_password(&server, &token, &snapshot, bad).await;
        let body = expect_error(response, StatusCode::BAD_REQUEST, "invalid_password").await;
        assert_eq!(body["field"], "X-Share-Password", "{bad:?}");
    }
    let longest = "p".repeat(1024);
    for password in [PASSWORD, longest.as_str(), "x"] {
        let share = publish_protected(&server, &token, password).await;
        let id = share_server::ids::ShareId::parse(&share.id).unwrap();
        let stored = server.server.store().share(&id).await.unwrap().unwrap();
        let hash = stored.password_hash.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        // (A one-letter password may well occur in either by chance.)
        if password.len() > 1 {
            assert!(!hash.contains(password));
            let bytes = String::from_utf8_lossy(&stored.snapshot);
            assert!(!bytes.contains(password), "the password is in the snapshot");
        }
        // And it opens with exactly that password.
        let path = format!("{}/{}", common::SHARES, share.id);
        let read = get_with(&server, &path, "192.0.2.1", Some(password), None).await;
        assert_eq!(read.status(), StatusCode::OK);
    }
}

on_both_backends!(every_read_needs_the_password, super::forwarded);
/// Each read path on a share of its own, from a client of its own, so the
/// wrong guesses stay under the limits (5 per share, 10 per client).
async fn every_read_needs_the_password(server: TestServer) {
    let token = server.user("alice").await;
    let near_misses = [
        "correct horse ü 🔐 密", // a character short
        "Correct horse ü 🔐 密码",
        "correct horse u 🔐 密码",  // ü without its accent
        "correct horse ü 🔐 密码!", // a character more
    ];
    for n in 0..reads(&Protected {
        id: String::new(),
        sha256: String::new(),
    })
    .len()
    {
        let share = publish_protected(&server, &token, PASSWORD).await;
        let path = &reads(&share)[n];
        let client = format!("192.0.2.{n}");
        let is_page = *path == format!("/shared/{}", share.id);
        // Without the password: nothing of the share, anywhere.
        let response = get_with(&server, path, &client, None, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-store",
            "{path}"
        );
        let body = response.text().await.unwrap();
        for secret in [
            TITLE,
            CONTENT_MARKER,
            "gpt-4o",
            &share.sha256,
            "chart.png",
            "og.png",
        ] {
            assert!(!body.contains(secret), "{path} shows {secret:?}: {body}");
        }
        if !is_page {
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["error"]["code"], "password_required", "{path}");
        }
        for wrong in near_misses {
            let response = get_with(&server, path, &client, Some(wrong), None).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{path} {wrong}"
            );
            let body = response.text().await.unwrap();
            assert!(!body.contains(TITLE), "{path}");
            if is_page {
                assert!(body.contains("Wrong password"), "{path}");
            } else {
                let body: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(body["error"]["code"], "wrong_password", "{path}");
            }
        }
        let response = get_with(&server, path, &client, Some(PASSWORD), None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-store",
            "{path}"
        );
        if !path.contains("/files/") {
            assert_eq!(header(&response, "x-robots-tag"), "noindex", "{path}");
        }
        // The card is withheld for everyone, password or not.
        for password in [None, Some(PASSWORD)] {
            let card = format!("/shared/{}/og.png", share.id);
            let response = get_with(&server, &card, &client, password, None).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND);
        }
    }
}

on_both_backends!(unlock_page_without_password, super::forwarded);
/// The page of a protected share is the unlock form: 401, noindex, private,
/// its own policy allowing the form, and nothing of the share in HTML or meta.
async fn unlock_page_without_password(server: TestServer) {
    let token = server.user("alice").await;
    let share = publish_protected(&server, &token, PASSWORD).await;
    let page = get_with(
        &server,
        &format!("/shared/{}", share.id),
        "192.0.2.1",
        None,
        None,
    )
    .await;
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&page, "x-robots-tag"), "noindex");
    let policy = header(&page, "content-security-policy");
    assert!(
        policy.contains("form-action 'self'") && policy.contains("default-src 'none'"),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    let document = scraper::Html::parse_document(&html);
    let meta = |selector: &str| {
        document
            .select(&scraper::Selector::parse(selector).unwrap())
            .filter_map(|e| e.value().attr("content").map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(meta("meta[property='og:title']"), ["Protected share"]);
    assert_eq!(meta("meta[name=robots]"), ["noindex"]);
    assert!(meta("meta[property='og:image']").is_empty());
    let form = document
        .select(&scraper::Selector::parse("form").unwrap())
        .next()
        .unwrap();
    assert_eq!(
        form.value().attr("action"),
        Some(format!("/shared/{}/unlock", share.id).as_str())
    );
    for secret in [
        TITLE,
        CONTENT_MARKER,
        "gpt-4o",
        "openai",
        &share.sha256,
        "download",
    ] {
        assert!(!html.contains(secret), "the unlock page shows {secret:?}");
    }
    // An unprotected page keeps the server's policy: no form may post.
    let open = server.publish_id(Some(&token)).await;
    let page = server.get(&format!("/shared/{open}")).await;
    assert!(header(&page, "content-security-policy").contains("form-action 'none'"));
}

on_both_backends!(cookie_opens_one_share_till_expiry, super::forwarded);
async fn cookie_opens_one_share_till_expiry(server: TestServer) {
    let token = server.user("alice").await;
    let x = publish_protected(&server, &token, PASSWORD).await;
    let y = publish_protected(&server, &token, PASSWORD).await;
    let client = "192.0.2.1";
    let x_page = format!("/shared/{}", x.id);
    let with_cookie = |cookie: &str| {
        let (server, page, cookie) = (&server, &x_page, cookie.to_owned());
        async move { get_with(server, page, client, None, Some(&cookie)).await }
    };

    let wrong = unlock(&server, &x.id, client, "nope").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(header(&wrong, "set-cookie").is_empty());
    let text = wrong.text().await.unwrap();
    assert!(text.contains("Wrong password") && !text.contains(TITLE));
    let huge = format!("password={}", "p".repeat(1025));
    for (body, content_type, status) in [
        (
            "password=",
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
        ),
        (
            huge.as_str(),
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
        ),
        (
            "password=a%09b",
            "application/x-www-form-urlencoded",
            StatusCode::BAD_REQUEST,
        ),
        (
            "other=1",
            "application/x-www-form-urlencoded",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "password=x",
            "text/plain",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let response = server
            .client
            .post(server.url(&format!("/shared/{}/unlock", x.id)))
            .header("content-type", content_type)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{body}");
        assert!(header(&response, "set-cookie").is_empty());
        if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            let refusal = expect_error(response, status, "unsupported_media_type").await;
            let message = refusal["message"].as_str().unwrap();
            assert!(
                message.contains("application/x-www-form-urlencoded") && !message.contains("JSON"),
                "{message}"
            );
        }
    }

    let unlocked = unlock(&server, &x.id, client, PASSWORD).await;
    assert_eq!(unlocked.status(), StatusCode::SEE_OTHER);
    assert_eq!(header(&unlocked, "location"), x_page);
    let set_cookie = header(&unlocked, "set-cookie");
    for attribute in [
        // Every read of the share lies under it, the downloads beside the page too.
        "Path=/shared",
        "HttpOnly",
        "SameSite=Strict",
        "Max-Age=43200",
        // The public URL of the tests is https.
        "Secure",
    ] {
        assert!(
            set_cookie.split("; ").any(|a| a == attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(PUBLIC_URL.starts_with("https://"));
    let cookie = cookie_of(&unlocked);
    let x_name = format!("share_unlock_{}", x.id);
    assert!(cookie.starts_with(&format!("{x_name}=")), "{cookie}");

    // The cookie opens every read of X — the page shows its download
    // links — and nothing of Y, whatever name it is sent under.
    let page = with_cookie(&cookie).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header(&page, "cache-control"), "private, no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains(TITLE));
    for suffix in [".json", ".md", ".html"] {
        assert!(
            html.contains(&format!("href=\"{x_page}{suffix}\" download")),
            "{html}"
        );
    }
    for path in reads(&x) {
        let response = get_with(&server, &path, client, None, Some(&cookie)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&response, "cache-control"), "private, no-store");
    }
    let value = cookie.strip_prefix(&format!("{x_name}=")).unwrap();
    let y_name = format!("share_unlock_{}", y.id);
    for path in reads(&y) {
        for cookie in [cookie.clone(), format!("{y_name}={value}")] {
            let response = get_with(&server, &path, client, None, Some(&cookie)).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{path} {cookie}"
            );
        }
    }

    // Tampered: another expiry, a flipped signature, junk, another name.
    let (expiry, signature) = value.split_once('.').unwrap();
    let later = expiry.parse::<i64>().unwrap() + 86_400;
    let mut flipped = signature.to_owned();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [
        format!("{x_name}={later}.{signature}"),
        format!("{x_name}={expiry}.{flipped}"),
        format!("{x_name}="),
        format!("{x_name}=garbage"),
        format!("share_unlock={value}"),
        format!("{x_name}x={value}"),
        format!("other={value}"),
    ] {
        let response = with_cookie(&bad).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bad}");
    }

    // Twelve hours later it has expired.
    server
        .clock
        .advance(TimeDelta::hours(12) + TimeDelta::seconds(1));
    let response = with_cookie(&cookie).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // A share without a password: the form just leads to the page.
    let open = server.publish_id(Some(&token)).await;
    let response = unlock(&server, &open, client, "anything").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(header(&response, "set-cookie").is_empty());
    // Unknown and revoked shares: the HTML 404 and 410.
    let unknown = unlock(&server, "AAAAAAAAAAAAAAAAAAAAAA", client, PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let revoked = server.delete(&y.id, Some(&token), None).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let gone = unlock(&server, &y.id, client, PASSWORD).await;
    assert_eq!(gone.status(), StatusCode::GONE);
}

on_both_backends!(brute_force_hits_the_limit, super::forwarded);
/// 5 wrong guesses a minute per share, 10 per client, through the API and
/// the form alike; then 429 with `Retry-After`, even for the right password.
async fn brute_force_hits_the_limit(server: TestServer) {
    let token = server.user("alice").await;
    let share = publish_protected(&server, &token, PASSWORD).await;
    let api = format!("{}/{}", common::SHARES, share.id);
    for n in 0..5 {
        // From different clients: the share's own limit.
        let client = format!("198.51.100.{n}");
        let response = get_with(&server, &api, &client, Some("guess"), None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let limited = get_with(&server, &api, "198.51.100.99", Some(PASSWORD), None).await;
    assert_retry_after(&limited, 60);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let form = unlock(&server, &share.id, "198.51.100.98", PASSWORD).await;
    assert_retry_after(&form, 60);
    assert!(header(&form, "set-cookie").is_empty());
    let text = form.text().await.unwrap();
    assert!(text.contains("Too many wrong passwords") && !text.contains(TITLE));

    // One client at several shares: its own limit of 10.
    let client = "203.0.113.7";
    let mut guesses = 0;
    while guesses < 10 {
        let share = publish_protected(&server, &token, PASSWORD).await;
        for _ in 0..4.min(10 - guesses) {
            let response = unlock(&server, &share.id, client, "guess").await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "guess {guesses}"
            );
            guesses += 1;
        }
    }
    let fresh = publish_protected(&server, &token, PASSWORD).await;
    let page = format!("/shared/{}", fresh.id);
    let limited = get_with(&server, &page, client, Some(PASSWORD), None).await;
    assert_retry_after(&limited, 60);
    // Another client is not affected.
    let other = get_with(&server, &page, "203.0.113.8", Some(PASSWORD), None).await;
    assert_eq!(other.status(), StatusCode::OK);
}

/// Two instances on one PostgreSQL: they share the cookie key, so a cookie
/// one sets opens the share on the other.
#[tokio::test]
async fn a_cookie_from_one_instance_opens_the_share_on_another() {
    let database = pg::TestDatabase::create().await;
    let config = || {
        Config::default()
            .with_database_url(database.url.clone())
            .with_public_url(PUBLIC_URL)
            .without_rate_limits()
    };
    let (a, b) = tokio::join!(
        TestServer::on(Some(&database.url), |_| config()),
        TestServer::on(Some(&database.url), |_| config()),
    );
    let token = a.user("alice").await;
    let share = publish_protected(&a, &token, PASSWORD).await;
    let unlocked = unlock(&a, &share.id, "192.0.2.1", PASSWORD).await;
    assert_eq!(unlocked.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&unlocked);
    let page = format!("/shared/{}", share.id);
    let on_b = get_with(&b, &page, "192.0.2.1", None, Some(&cookie)).await;
    assert_eq!(on_b.status(), StatusCode::OK);
    assert!(on_b.text().await.unwrap().contains(TITLE));
    let api = get_with(
        &b,
        &format!("{}/{}", common::SHARES, share.id),
        "192.0.2.1",
        Some(PASSWORD),
        None,
    )
    .await;
    assert_eq!(api.status(), StatusCode::OK);
    // A third instance started later still finds the same key.
    let c = TestServer::on(Some(&database.url), |_| config()).await;
    assert_eq!(
        get_with(&c, &page, "192.0.2.1", None, Some(&cookie))
            .await
            .status(),
        StatusCode::OK
    );
}
