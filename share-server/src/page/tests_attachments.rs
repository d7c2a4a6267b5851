//! Attached files on the page, in the standalone file and in the Markdown
//! download: images inline with their size and name, text as code, other
//! files as download links; hostile names stay text.

use chat_core::attachment::Attachment;
use chat_core::fixtures::files;
use scraper::Html;

use super::fixtures::{self, PUBLIC_URL, SHARE_ID, XSS};
use super::tests::{assert_inert, attrs, one, select, text_of};
use super::*;

fn with_files(attachments: Vec<Attachment>) -> ShareSnapshot {
    let mut snapshot = fixtures::conversation();
    snapshot.messages[0].attachments = attachments;
    snapshot
}

fn others() -> Vec<Attachment> {
    vec![
        files::text_file("main.rs", "fn main() { println!(\"hi\"); }\n"),
        Attachment::from_bytes("logo.svg", "image/svg+xml", b"<svg onload=alert(1)></svg>"),
        Attachment::from_bytes("report.pdf", "application/pdf", &[b'%'; 1234]),
        Attachment::from_bytes("latin1.txt", "text/plain", b"caf\xe9"),
    ]
}

fn standalone(snapshot: &ShareSnapshot, link: Option<&str>) -> Html {
    let view = ExportView::new(snapshot, fixtures::created_at()).with_link(link);
    Html::parse_document(&render_standalone(&view))
}

#[test]
fn images_are_inline_from_the_server_with_size_and_name() {
    let images = files::images();
    let document = Html::parse_document(&fixtures::html(&with_files(images.clone())));
    let shown = select(&document, "[data-testid=msg-attachments] img");
    assert_eq!(shown.len(), images.len());
    for (img, image) in shown.iter().zip(&images) {
        let url = format!("/shared/{SHARE_ID}/files/{}", image.sha256);
        let img = img.value();
        assert_eq!(img.attr("src"), Some(url.as_str()));
        assert_eq!(img.attr("loading"), Some("lazy"));
        assert_eq!(img.attr("width"), Some("16"));
        assert_eq!(img.attr("height"), Some("12"));
        assert_eq!(img.attr("alt"), Some(image.name.as_str()));
    }
    // Each opens large: wrapped in a link to the file.
    let links = attrs(&document, "figure[data-kind=image] > a", "href");
    assert_eq!(links.len(), images.len());
    assert!(links[0].ends_with(&images[0].sha256));
}

#[test]
fn text_files_are_code_and_other_files_are_download_links() {
    let attachments = others();
    let document = Html::parse_document(&fixtures::html(&with_files(attachments.clone())));
    let text = one(&document, "[data-kind=text]");
    assert!(text.html().contains("main.rs"));
    assert!(
        text.html().contains("hl-"),
        "highlighted as Rust: {}",
        text.html()
    );
    assert!(text_of(&document, "[data-kind=text] pre").contains("println!"));
    // SVG, PDF and text that is not UTF-8: links with the size, never rendered.
    let downloads = select(&document, "[data-kind=file]");
    assert_eq!(downloads.len(), 3);
    let names: Vec<String> = downloads
        .iter()
        .map(|d| d.text().collect::<String>())
        .collect();
    assert!(names[0].contains("logo.svg"), "{names:?}");
    assert!(names[1].contains("report.pdf") && names[1].contains("1.2 kB"));
    assert!(names[2].contains("latin1.txt"));
    for (link, attachment) in attrs(&document, "[data-kind=file] a[download]", "href")
        .iter()
        .zip(&attachments[1..])
    {
        assert_eq!(
            *link,
            format!("/shared/{SHARE_ID}/files/{}", attachment.sha256)
        );
    }
    assert!(select(&document, "svg, object, embed, iframe").is_empty());
}

#[test]
fn the_standalone_file_embeds_images_and_links_other_files_online() {
    let mut attachments = files::images();
    attachments.extend(others());
    let snapshot = with_files(attachments.clone());
    let link = format!("{PUBLIC_URL}/shared/{SHARE_ID}");
    let document = standalone(&snapshot, Some(&link));
    let sources = attrs(&document, "img.attachment-image", "src");
    assert_eq!(sources.len(), 4);
    for (src, image) in sources.iter().zip(&attachments) {
        let prefix = format!("data:{};base64,", image.media_type);
        assert!(src.starts_with(&prefix), "{src}");
        let bytes = chat_core::attachment::decode_base64(&src[prefix.len()..]).unwrap();
        assert_eq!(bytes, image.decode().unwrap());
    }
    let downloads = attrs(&document, "[data-kind=file] a", "href");
    assert_eq!(downloads.len(), 3);
    assert!(downloads[0].starts_with(&format!("{link}/files/")));
    // The file's policy allows exactly these images.
    assert!(standalone_content_security_policy().contains("img-src data:;"));

    // Never published: no link to go to, the names and sizes only.
    let document = standalone(&snapshot, None);
    assert!(select(&document, "[data-kind=file] a").is_empty());
    assert_eq!(select(&document, "[data-kind=file]").len(), 3);
}

#[test]
fn the_markdown_download_links_each_file_by_its_address() {
    let mut attachments = files::images();
    attachments.extend(others());
    let markdown = fixtures::markdown(&with_files(attachments.clone()));
    let base = format!("{PUBLIC_URL}/shared/{SHARE_ID}/files");
    assert!(
        markdown.contains(&format!(
            "- ![photo\\.jpg](<{base}/{}>) photo\\.jpg · ",
            attachments[0].sha256
        )),
        "{markdown}"
    );
    assert!(markdown.contains(&format!(
        "- [report\\.pdf](<{base}/{}>) · 1.2 kB",
        attachments[6].sha256
    )));
    // Not published: names and sizes, no links.
    let snapshot = with_files(attachments);
    let view = ExportView::new(&snapshot, fixtures::created_at());
    let document = render_markdown_document(&view);
    assert!(document.contains("- report\\.pdf · 1.2 kB"), "{document}");
    assert!(!document.contains("/files/"));
}

#[test]
fn hostile_file_names_stay_text_everywhere() {
    let name = XSS.replace(['/', '\\'], "");
    let attachments = vec![
        Attachment::from_bytes(&name, "image/png", files::PNG_WITH_TEXT),
        Attachment::from_bytes(&name, "text/plain", XSS.as_bytes()),
        Attachment::from_bytes(&name, "image/svg+xml", XSS.as_bytes()),
    ];
    let snapshot = with_files(attachments);
    let page = fixtures::html(&snapshot);
    // The page's own images are the only <img>; the rest must be inert.
    let without_images = page.replace("<img class=\"attachment-image\"", "<span");
    assert_inert(&without_images);
    let document = Html::parse_document(&page);
    assert_eq!(select(&document, "img").len(), 1);
    let img = one(&document, "img").value();
    assert_eq!(img.attr("alt"), Some(name.as_str()));
    let allowed = ["class", "src", "loading", "width", "height", "alt"];
    assert!(img.attrs().all(|(key, _)| allowed.contains(&key)));
    assert!(text_of(&document, "[data-kind=text] .attachment-name").contains(&name));
    assert!(text_of(&document, "[data-kind=file]").contains(&name));

    let file = render_standalone(&ExportView::new(&snapshot, fixtures::created_at()));
    let style = format!("<style>{}</style>", standalone::inline_style().css);
    let rest = file.replacen(&style, "", 1).replace(
        "<img class=\"attachment-image\" src=\"data:image/png",
        "<span data-src=\"",
    );
    assert_inert(&rest);
    let markdown = fixtures::markdown(&snapshot);
    // Every punctuation character of the name is escaped: it reads as text.
    assert!(
        markdown.contains(r"[\<script\>window\.\_\_pwned\=1\;alert\(1\)\<script\>"),
        "{markdown}"
    );
}

/// Every vector of the XSS corpus (`tests/data/xss-vectors.txt`) as the
/// name of an image (its `alt`), of a text file (with the vector as its
/// text) and of a download, on the page and in the standalone file: the
/// only elements that are not inert are the page's own images, whose
/// attributes are exactly the expected ones, with the name as `alt`.
#[test]
fn the_xss_corpus_as_file_names_renders_inert() {
    const VECTORS: &str = include_str!("../../tests/data/xss-vectors.txt");
    let style = format!("<style>{}</style>", standalone::inline_style().css);
    let mut count = 0;
    for line in VECTORS
        .lines()
        .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
    {
        let vector = line.replace('⏎', "\n");
        // What validation lets through: no path, no control characters;
        // prefixed, as a bare `javascript:` in an attribute reads like a URL
        // to `assert_inert` although it is only text there.
        let name: String = format!("x {vector}")
            .chars()
            .filter(|c| !matches!(c, '/' | '\\') && !c.is_control())
            .collect();
        let snapshot = with_files(vec![
            Attachment::from_bytes(&name, "image/gif", files::GIF_WITH_COMMENT),
            Attachment::from_bytes(&name, "text/plain", vector.as_bytes()),
            Attachment::from_bytes(&name, "image/svg+xml", vector.as_bytes()),
        ]);
        let page = fixtures::html(&snapshot);
        let file = render_standalone(&ExportView::new(&snapshot, fixtures::created_at()));
        for (html, src_prefix) in [(page, "/shared/"), (file.replacen(&style, "", 1), "data:")] {
            let document = Html::parse_document(&html);
            let images = select(&document, "img");
            assert_eq!(images.len(), 1, "{vector:?}");
            let img = images[0].value();
            assert_eq!(img.attr("alt"), Some(name.as_str()), "{vector:?}");
            assert!(img.attr("src").unwrap().starts_with(src_prefix));
            let allowed = ["class", "src", "loading", "width", "height", "alt"];
            assert!(
                img.attrs().all(|(key, _)| allowed.contains(&key)),
                "{vector:?}"
            );
            let own = format!(
                "<img class=\"attachment-image\" src=\"{}",
                img.attr("src").unwrap()
            );
            assert_inert(&html.replacen(&own, "<span data-x=\"", 1));
        }
        count += 1;
    }
    assert!(count >= 200, "only {count} vectors");
}
