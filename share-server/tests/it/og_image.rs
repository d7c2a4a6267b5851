//! The link-preview card: served at `/shared/{id}/og.png` as a 1200×630 PNG
//! (decoded here), cached and revalidated like the page, gone with its
//! share; the title is really drawn (pixels differ from a card without
//! it); and every XSS vector as a title renders, and only as text.

use crate::common::{self, TestServer};
use crate::xss_corpus;

use reqwest::StatusCode;
use share_server::page::{self, OgCard};

/// Width, height and RGBA pixels of a PNG.
fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

fn card(title: &str) -> OgCard {
    OgCard {
        title: title.to_owned(),
        summary: "6 messages with gpt-4o (openai)".to_owned(),
        figures: "1,234 tokens · $0.0123".to_owned(),
    }
}

/// How many pixels differ between two images in rows `rows`.
fn differing(a: &[u8], b: &[u8], rows: std::ops::Range<usize>) -> usize {
    let row = 1200 * 4;
    rows.map(|y| {
        a[y * row..(y + 1) * row]
            .chunks(4)
            .zip(b[y * row..(y + 1) * row].chunks(4))
            .filter(|(p, q)| p != q)
            .count()
    })
    .sum()
}

#[test]
fn the_title_is_drawn() {
    let started = std::time::Instant::now();
    let with = page::render_og_image(&card("Why does my deploy script fail?")).unwrap();
    eprintln!("og.png rendered in {:?}", started.elapsed());
    let without = page::render_og_image(&card("")).unwrap();
    let (width, height, with) = decode(&with);
    assert_eq!((width, height), (1200, 630));
    let (_, _, without) = decode(&without);
    // The title's lines (baselines at 250 and 330) differ…
    assert!(differing(&with, &without, 190..260) > 2_000);
    // …the brand above them and the footer below do not.
    assert_eq!(differing(&with, &without, 0..140), 0);
    assert_eq!(differing(&with, &without, 540..630), 0);
}

on_both_backends!(the_card_is_served_like_the_page, |c| c);
async fn the_card_is_served_like_the_page(server: TestServer) {
    let token = server.user("alice").await;
    let id = server.publish_id(Some(&token)).await;
    let path = format!("/shared/{id}/og.png");
    let response = server.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["cache-control"], "no-cache");
    assert!(headers.get("content-encoding").is_none());
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let (width, height, _) = decode(&response.bytes().await.unwrap());
    assert_eq!((width, height), (1200, 630));
    let again = server
        .client
        .get(server.url(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // The page points at it.
    let page = server.get_text(&format!("/shared/{id}")).await;
    assert!(page.contains(&format!(
        r#"<meta property="og:image" content="{}/shared/{id}/og.png">"#,
        common::PUBLIC_URL
    )));
    assert!(page.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    // Unknown, revoked.
    assert_eq!(
        server
            .get("/shared/AAAAAAAAAAAAAAAAAAAAAA/og.png")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.delete(&id, Some(&token), None).await.status(),
        StatusCode::OK
    );
    assert_eq!(server.get(&path).await.status(), StatusCode::GONE);
}

/// Every `<text>` of the card's SVG holds text only: no `<`, `>` or `"`,
/// and every `&` starts one of the five escapes.
fn assert_only_text(svg: &str, vector: &str) {
    let elements = svg.matches("<text ").count();
    assert_eq!(svg.matches("</text>").count(), elements, "{vector:?}");
    // Our own markup: <svg>, two <rect>s, </svg>, and the text elements.
    assert_eq!(
        svg.matches('<').count(),
        4 + 2 * elements,
        "{vector:?}: {svg}"
    );
    for piece in svg.split("</text>") {
        let Some((_, content)) = piece.rsplit_once('>') else {
            continue;
        };
        assert!(!content.contains(['<', '"']), "{vector:?}: {content}");
        for (at, _) in content.match_indices('&') {
            let rest = &content[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|entity| rest.starts_with(entity)),
                "{vector:?}: {content}"
            );
        }
    }
}

#[test]
fn every_xss_vector_as_a_title_renders_as_text() {
    let vectors = xss_corpus::vectors();
    assert!(vectors.len() > 50);
    for vector in &vectors {
        let card = OgCard {
            summary: vector.clone(),
            ..card(vector)
        };
        assert_only_text(&page::og_image_svg(&card), vector);
    }
    // Rendering takes a while in a debug build: every 8th vector (and the
    // control characters XML cannot hold) goes all the way to pixels.
    let mut hostile: Vec<String> = vectors.iter().step_by(8).cloned().collect();
    hostile.push("\u{0}\u{1b}\u{fffe}<![CDATA[x]]>&#0;&unknown;".to_owned());
    for vector in &hostile {
        let png = page::render_og_image(&card(vector)).unwrap();
        assert_eq!(decode(&png).0, 1200, "{vector:?}");
    }
}

#[tokio::test]
async fn hostile_titles_through_the_server() {
    let server = TestServer::start().await;
    let token = server.user("alice").await;
    for vector in xss_corpus::vectors().iter().step_by(25) {
        let data = server
            .publish_created(Some(&token), &common::snapshot(vector))
            .await;
        let id = data["shareId"].as_str().unwrap();
        let response = server.get(&format!("/shared/{id}/og.png")).await;
        assert_eq!(response.status(), StatusCode::OK, "{vector:?}");
        let (width, height, _) = decode(&response.bytes().await.unwrap());
        assert_eq!((width, height), (1200, 630));
    }
}
