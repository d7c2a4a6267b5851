use super::*;
use crate::fixtures::files;

#[test]
fn kinds_follow_the_media_type_alone() {
    let cases = [
        ("image/png", Kind::Image(ImageType::Png)),
        ("IMAGE/JPEG; q=1", Kind::Image(ImageType::Jpeg)),
        ("image/jpg", Kind::Image(ImageType::Jpeg)),
        ("image/webp", Kind::Image(ImageType::Webp)),
        ("image/gif", Kind::Image(ImageType::Gif)),
        ("image/svg+xml", Kind::Other),
        ("text/html", Kind::Other),
        ("text/xml", Kind::Other),
        ("application/pdf", Kind::Pdf),
        ("text/plain", Kind::Text),
        ("text/markdown; charset=utf-8", Kind::Text),
        ("text/csv", Kind::Text),
        ("application/json", Kind::Text),
        ("application/octet-stream", Kind::Other),
        ("application/xhtml+xml", Kind::Other),
    ];
    for (media_type, kind) in cases {
        assert_eq!(Kind::of(media_type), kind, "{media_type}");
    }
}

#[test]
fn only_raster_images_and_plain_text_are_served_as_themselves() {
    assert_eq!(served_media_type("image/PNG"), Some("image/png"));
    assert_eq!(served_media_type("image/jpg"), Some("image/jpeg"));
    assert_eq!(
        served_media_type("text/plain; charset=latin1"),
        Some("text/plain; charset=utf-8")
    );
    for other in [
        "image/svg+xml",
        "text/html",
        "application/pdf",
        "text/markdown",
        "application/json",
        "application/octet-stream",
    ] {
        assert_eq!(served_media_type(other), None, "{other}");
    }
}

#[test]
fn media_types_are_checked_for_shape() {
    for good in [
        "image/png",
        "text/plain; charset=utf-8",
        "application/vnd.ms-excel",
    ] {
        assert!(is_media_type(good), "{good}");
    }
    for bad in [
        "",
        "png",
        "image/",
        "/png",
        "image/png\r\nX: y",
        "text/plain; =x",
        "a b/c",
    ] {
        assert!(!is_media_type(bad), "{bad:?}");
    }
}

#[test]
fn images_are_recognised_by_their_first_bytes() {
    let cases = [
        (files::JPEG_WITH_GPS, ImageType::Jpeg),
        (files::PNG_WITH_TEXT, ImageType::Png),
        (files::WEBP_WITH_EXIF, ImageType::Webp),
        (files::GIF_WITH_COMMENT, ImageType::Gif),
    ];
    for (bytes, image) in cases {
        assert_eq!(ImageType::sniff(bytes), Some(image));
        assert_eq!(dimensions(bytes), Some(files::SIZE), "{image:?}");
    }
    assert_eq!(ImageType::sniff(b"<html><script>"), None);
    assert_eq!(ImageType::sniff(b"RIFF\0\0\0\0WAVE"), None);
    assert_eq!(
        dimensions(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        None
    );
    assert_eq!(dimensions(&files::PNG_WITH_TEXT[..10]), None);
}

#[test]
fn an_attachment_round_trips_its_bytes_and_hash() {
    let attachment = Attachment::from_bytes("a.png", "image/png", files::PNG_WITH_TEXT);
    assert_eq!(attachment.size as usize, files::PNG_WITH_TEXT.len());
    assert_eq!(attachment.decode().unwrap(), files::PNG_WITH_TEXT);
    assert!(is_sha256_hex(&attachment.sha256));
    // SHA-256 of "abc" (FIPS 180-2).
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let unpadded = Attachment {
        data: attachment.data.trim_end_matches('=').to_owned(),
        ..attachment.clone()
    };
    assert_eq!(unpadded.decode().unwrap(), files::PNG_WITH_TEXT);
    let spaced = Attachment {
        data: format!(" {}", attachment.data),
        ..attachment
    };
    assert!(spaced.decode().is_err());
}

#[test]
fn file_names_give_media_types() {
    let cases = [
        ("shot.PNG", Some("image/png")),
        ("a.jpeg", Some("image/jpeg")),
        ("notes.md", Some("text/markdown")),
        ("main.rs", Some("text/plain")),
        ("data.json", Some("application/json")),
        ("paper.pdf", Some("application/pdf")),
        ("page.html", None),
        ("README", None),
    ];
    for (name, media_type) in cases {
        assert_eq!(media_type_for_name(name), media_type, "{name}");
    }
}

#[test]
fn fenced_text_outlasts_the_backticks_inside() {
    assert_eq!(
        fenced_text("a.rs", "fn main() {}"),
        "a.rs\n```rs\nfn main() {}\n```"
    );
    let tricky = fenced_text("notes.md", "````\ncode\n````");
    assert!(tricky.starts_with("notes.md\n`````md\n"), "{tricky}");
    assert!(tricky.ends_with("\n`````"), "{tricky}");
}

#[test]
fn a_size_written_as_a_whole_float_is_read_and_a_fraction_refused() {
    let mut value =
        serde_json::to_value(Attachment::from_bytes("a.txt", "text/plain", b"hi")).unwrap();
    value["size"] = serde_json::json!(2.0);
    let read: Attachment = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(read.size, 2);
    value["size"] = serde_json::json!(2.5);
    assert!(serde_json::from_value::<Attachment>(value).is_err());
}
