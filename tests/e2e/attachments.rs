//! A photo in a chat, and in its share, without its GPS position. A JPEG
//! that carries EXIF GPS tags and a camera name is pasted into the composer
//! (a `paste` event whose clipboard holds the file, as a screenshot tool's
//! paste gives) next to a text file picked with the attach button; a
//! screenshot dropped on the window (a DOM `drop`, as the webview makes of
//! a file dropped with the window's native drop handler off) is attached
//! and removed again, and an SVG is refused, saying why, keeping the rest.
//! The files show in the composer, with the limits stated. The message goes to a
//! local OpenAI-format provider vision model: it receives the image as an
//! `image_url` data URL, already stripped of its metadata, and the text
//! file fenced into the text. The sent message shows the thumbnail, which
//! opens large. Share lists the files it publishes and says metadata is
//! removed; a colleague's Chromium shows the image (it loads, 16 × 12), the
//! file fetched from the link carries none of the metadata, and a link made
//! again with the image left out shows no image.

use std::time::Duration;

use chat_core::attachment::{Attachment, decode_base64};
use chat_core::fixtures::files::{JPEG_WITH_GPS, METADATA_MARKERS, PNG_WITH_TEXT, SIZE};
use fantoccini::Client;
use fantoccini::key::Key;
use serde_json::{Value, json};

use crate::app::{
    LocalLab, on_element, run_app, send, shot, streamed, usage, wait_count, with_chromium,
};
use crate::shared_link;
use crate::webdriver::{click, find, save_png, text, wait_gone, wait_text};

const LAB: LocalLab = LocalLab::new("vision-lab", "Vision Lab", "vision-7b");
const PHOTO: &str = "photo-gps.jpg";
const NOTES: &str = "notes.md";
const NOTES_TEXT: &str = "# Where\n\nThe tower, seen from the river.\n";
const QUESTION: &str = "What is in this photo?";
const ANSWER: &str = "A small test picture: sixteen by twelve pixels of gradient.";

const SENT: &str = "article.msg[data-role=\"user\"]";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Xvfb, a D-Bus session with gnome-keyring and WebKitWebDriver: run by `cargo xtask test` (or `cargo xtask e2e`)"]
async fn paste_a_photo_send_it_to_a_vision_model_and_share_it_without_its_gps() {
    let answer = streamed(ANSWER, Duration::from_millis(30), usage(850, 14));
    let (home, server) = LAB.home(answer).await;
    let dir = tempfile::tempdir().unwrap();
    let notes_path = dir.path().join(NOTES);
    std::fs::write(&notes_path, NOTES_TEXT).unwrap();
    run_app(&home, Duration::from_secs(240), |app| async move {
        LAB.new_session(&app).await;
        attach(&app, &notes_path).await;
        send(&app, QUESTION).await;
        let sha256 = the_sent_message_shows_them(&app).await;
        let url = share(&app).await;
        let page_url = url.clone();
        with_chromium(|browser| async move {
            the_page_shows_the_photo(&browser, &page_url).await;
        })
        .await;
        the_published_file_has_no_metadata(&url, &sha256).await;
        leave_the_photo_out(&app, &sha256).await;
    })
    .await;

    // The model saw the image as a data URL, without its metadata, and
    // the text file in the text.
    let seen = server.seen.lock().unwrap();
    let body = seen.bodies.first().expect("the provider was asked");
    let user = (body["messages"].as_array().unwrap().iter())
        .rfind(|m| m["role"] == "user")
        .unwrap();
    let parts = user["content"].as_array().expect("content parts: {user}");
    let text = parts.iter().find(|p| p["type"] == "text").unwrap();
    let text = text["text"].as_str().unwrap();
    assert!(text.starts_with(QUESTION), "{text}");
    assert!(
        text.contains(NOTES) && text.contains(NOTES_TEXT.trim()),
        "{text}"
    );
    let image = parts.iter().find(|p| p["type"] == "image_url").unwrap();
    let url = image["image_url"]["url"].as_str().unwrap();
    let data = url
        .strip_prefix("data:image/jpeg;base64,")
        .unwrap_or_else(|| panic!("not a JPEG data URL: {}…", &url[..40.min(url.len())]));
    let sent = decode_base64(data).unwrap();
    assert!(sent.starts_with(&[0xFF, 0xD8]), "a JPEG");
    no_metadata_in(&sent, "the image the model received");
}

fn no_metadata_in(bytes: &[u8], what: &str) {
    for marker in METADATA_MARKERS {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == *marker),
            "{what} still carries {:?}",
            String::from_utf8_lossy(marker)
        );
    }
}

/// Dispatches a `paste` or a drag event (`dragenter`, `drop`) on
/// `selector` (the document when `None`) carrying the file `name` of
/// `bytes`, as the webview would for a paste from the clipboard or a file
/// dragged onto the window. Answers whether the page took it (prevented
/// the default).
async fn hand_over(
    app: &Client,
    kind: &str,
    selector: Option<&str>,
    (name, media_type, bytes): (&str, &str, &[u8]),
) -> bool {
    let script = r#"
        const [kind, target, data, name, type] = arguments;
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], name, { type }));
        const [Kind, field] = kind === "paste"
            ? [ClipboardEvent, "clipboardData"]
            : [DragEvent, "dataTransfer"];
        let event;
        try {
            event = new Kind(kind, { [field]: transfer, bubbles: true, cancelable: true });
        } catch (_) {
            event = new Kind(kind, { bubbles: true, cancelable: true });
        }
        if (!event[field] || event[field].files.length === 0) {
            Object.defineProperty(event, field, { value: transfer });
        }
        (target || document).dispatchEvent(event);
        return event.defaultPrevented;
    "#;
    let target = match selector {
        Some(selector) => serde_json::to_value(find(app, selector).await).unwrap(),
        None => Value::Null,
    };
    let data = Attachment::from_bytes(name, media_type, bytes).data;
    let args = vec![
        json!(kind),
        target,
        json!(data),
        json!(name),
        json!(media_type),
    ];
    app.execute(script, args).await.unwrap() == json!(true)
}

/// Pastes the photo into the composer, drops a screenshot on the window
/// and removes it, picks the text file with the attach button: the photo
/// and the file show, with the limits.
async fn attach(app: &Client, notes: &std::path::Path) {
    let hint = text(app, "#attach-hint").await;
    assert_eq!(
        hint,
        "Images, text files and PDFs · up to 10 files, 10 MB each"
    );
    let photo = (PHOTO, "image/jpeg", JPEG_WITH_GPS);
    assert!(
        hand_over(app, "paste", Some("#composer"), photo).await,
        "the composer took the pasted file"
    );
    let thumb = ".composer-attachment img.attachment-thumb";
    find(app, thumb).await;
    assert_eq!(natural_size(app, thumb).await, SIZE, "the pasted photo");

    // A file of a kind no model reads is refused, saying so beside the
    // composer; what is attached stays.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    assert!(hand_over(app, "drop", None, ("drawing.svg", "image/svg+xml", svg)).await);
    let refused = wait_text(app, "#attach-errors", |t| !t.is_empty()).await;
    assert!(refused.contains("drawing.svg"), "{refused:?}");
    wait_count(app, ".composer-attachment", 1).await;
    click(app, "#attach-errors button").await;
    wait_gone(app, "#attach-errors").await;

    // Files dragged over the window light up the composer; dropped
    // anywhere, they are attached; × removes one.
    let screenshot = ("screenshot.png", "image/png", PNG_WITH_TEXT);
    hand_over(app, "dragenter", None, screenshot).await;
    wait_text(app, ".composer-drop .composer-drop-note", |t| {
        t == "Drop to attach"
    })
    .await;
    assert!(hand_over(app, "drop", None, screenshot).await, "the drop");
    wait_gone(app, ".composer-drop").await;
    wait_count(app, ".composer-attachment", 2).await;
    click(
        app,
        ".composer-attachment .attachment-remove[aria-label=\"Remove screenshot.png\"]",
    )
    .await;
    wait_count(app, ".composer-attachment", 1).await;

    // The attach button's hidden field takes a file's path.
    let picker = find(app, "#attach-input").await;
    picker
        .send_keys(&notes.display().to_string())
        .await
        .unwrap();
    wait_count(app, ".composer-attachment", 2).await;
    shot(app, "e2e-attachments-composer.png").await;
    let chip = inner_text(app, ".composer-attachment .attachment-chip").await;
    assert!(chip.contains(NOTES) && chip.contains(" B"), "{chip:?}");
}

/// The text of `selector` as rendered (`innerText`): WebKitWebDriver's
/// element text leaves out a flex item that clips its overflow, as the
/// file names do for their ellipsis.
async fn inner_text(client: &Client, selector: &str) -> String {
    let text = on_element(client, selector, "return arguments[0].innerText").await;
    text.as_str().unwrap_or_default().to_owned()
}

/// The width and height of the image `selector` as the webview decoded it.
async fn natural_size(client: &Client, selector: &str) -> (u32, u32) {
    let script = "const i = arguments[0]; \
                  return i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0];";
    for _ in 0..50 {
        let size = on_element(client, selector, script).await;
        let size: (u32, u32) = serde_json::from_value(size).unwrap();
        if size != (0, 0) {
            return size;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (0, 0)
}

/// The sent message shows the photo's thumbnail and the file's chip; the
/// composer is empty again; the thumbnail opens large and Esc closes it.
/// Returns the stored photo's SHA-256.
async fn the_sent_message_shows_them(app: &Client) -> String {
    find(app, "article.msg-assistant[data-state=\"complete\"]").await;
    let thumb = format!("{SENT} .message-attachment img.attachment-thumb");
    find(app, &thumb).await;
    assert_eq!(natural_size(app, &thumb).await, SIZE);
    let chip = inner_text(app, &format!("{SENT} .message-attachment .attachment-chip")).await;
    assert!(chip.contains(NOTES), "{chip:?}");
    wait_gone(app, ".composer-attachment").await;
    shot(app, "attachments.png").await;

    click(app, &format!("{SENT} .attachment-open")).await;
    find(app, "#attachment-viewer img.attachment-large").await;
    let facts = text(app, "#attachment-viewer .attachment-facts").await;
    assert!(
        facts.contains("image/jpeg") && facts.contains("16 × 12"),
        "{facts:?}"
    );
    // Esc, wherever the focus is in the dialog.
    let focused = app.active_element().await.unwrap();
    focused.send_keys(&Key::Escape.to_string()).await.unwrap();
    wait_gone(app, "#attachment-viewer").await;

    let item = find(app, &format!("{SENT} .message-attachment:has(img)")).await;
    item.attr("data-sha256").await.unwrap().unwrap()
}

/// Share: the dialog lists both files and says metadata goes; the link is
/// made at once. Returns it.
async fn share(app: &Client) -> String {
    click(app, "#share-button").await;
    let url = shared_link(app, "thisComputer").await;
    wait_count(app, "#share-attachments .share-attachment", 2).await;
    let listed = inner_text(app, "#share-attachments").await;
    assert!(listed.contains(PHOTO), "{listed:?}");
    assert!(
        listed.contains("EXIF") && listed.contains("GPS"),
        "{listed:?}"
    );
    shot(app, "e2e-attachments-share.png").await;
    url
}

/// A colleague's browser loads the photo from the share server.
async fn the_page_shows_the_photo(browser: &Client, url: &str) {
    browser.goto(url).await.unwrap();
    let image = format!("article[data-role=\"user\"] img[alt=\"{PHOTO}\"]");
    find(browser, &image).await;
    assert_eq!(natural_size(browser, &image).await, SIZE, "on the page");
    let png = browser.screenshot().await.unwrap();
    save_png(&png, "e2e-attachments-page.png");
}

/// The page links the file by its hash; fetched, it is the JPEG without
/// any of the metadata it was pasted with.
async fn the_published_file_has_no_metadata(url: &str, sha256: &str) {
    let page = reqwest::get(url).await.unwrap().text().await.unwrap();
    let share_id = url.rsplit('/').next().unwrap();
    let src = format!("/shared/{share_id}/files/{sha256}");
    assert!(
        page.contains(&format!("src=\"{src}\"")),
        "no <img> of {src}"
    );
    let origin = url.split("/shared/").next().unwrap();
    let response = reqwest::get(format!("{origin}{src}")).await.unwrap();
    assert_eq!(response.status(), 200, "{src}");
    let media_type = response.headers()["content-type"].to_str().unwrap();
    assert_eq!(media_type, "image/jpeg");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(chat_core::attachment::sha256_hex(&bytes), sha256);
    no_metadata_in(&bytes, "the published photo");
}

/// Unticking the photo and publishing again makes a link without it.
async fn leave_the_photo_out(app: &Client, sha256: &str) {
    let photo = format!("#share-attachments .share-attachment[data-sha256=\"{sha256}\"]");
    let listed = inner_text(app, &photo).await;
    assert!(listed.contains(PHOTO), "{listed:?}");
    click(app, &format!("{photo} input")).await;
    click(app, "#share-attachments-republish").await;
    wait_text(app, "#share-status", |t| t.contains("revoked")).await;
    let url = find(app, "#share-url").await.prop("value").await.unwrap();
    let url = url.unwrap_or_default();
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(!page.contains(sha256), "the photo is still on {url}");
    let json = reqwest::get(format!("{url}.json")).await.unwrap();
    let published: Value = json.json().await.unwrap();
    let files: Vec<&Value> = (published["messages"].as_array().unwrap().iter())
        .flat_map(|m| m["attachments"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(files.len(), 1, "only the notes: {files:?}");
    assert_eq!(files[0]["name"], NOTES);
    click(app, "#share-close").await;
    wait_gone(app, "#share-modal").await;
}
