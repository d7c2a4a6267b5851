//! Stripping real images that carry metadata, and what may be attached.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_core::attachment::{ImageType, dimensions};
use chat_core::fixtures::files::{
    GIF_WITH_COMMENT, JPEG_WITH_GPS, METADATA_MARKERS, PNG_WITH_TEXT, SIZE, WEBP_WITH_EXIF,
};

use super::strip::strip;
use super::*;

const IMAGES: [(ImageType, &[u8]); 4] = [
    (ImageType::Jpeg, JPEG_WITH_GPS),
    (ImageType::Png, PNG_WITH_TEXT),
    (ImageType::Webp, WEBP_WITH_EXIF),
    (ImageType::Gif, GIF_WITH_COMMENT),
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Which markers a file carries.
fn markers_in(bytes: &[u8]) -> Vec<String> {
    METADATA_MARKERS
        .iter()
        .filter(|m| contains(bytes, m))
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .collect()
}

#[test]
fn every_fixture_carries_metadata_to_strip() {
    for (image, bytes) in IMAGES {
        assert!(!markers_in(bytes).is_empty(), "{image:?} carries no marker");
    }
    assert!(contains(JPEG_WITH_GPS, b"GPS"), "the JPEG has GPS tags");
}

#[test]
fn stripping_removes_every_marker_and_keeps_the_picture() {
    for (image, bytes) in IMAGES {
        let stripped = strip(image, bytes).unwrap();
        assert_eq!(markers_in(&stripped), Vec::<String>::new(), "{image:?}");
        assert!(stripped.len() < bytes.len(), "{image:?} lost nothing");
        assert_eq!(ImageType::sniff(&stripped), Some(image));
        assert_eq!(dimensions(&stripped), Some(SIZE), "{image:?}");
        // Stripped once is stripped for good.
        assert_eq!(strip(image, &stripped).unwrap(), stripped, "{image:?}");
    }
}

#[test]
fn the_jpeg_loses_its_gps_and_camera_but_keeps_its_frame() {
    let stripped = strip(ImageType::Jpeg, JPEG_WITH_GPS).unwrap();
    for gone in [&b"Exif\0\0II"[..], b"Exif\0\0MM", b"GPS", b"taken at home"] {
        assert!(
            !contains(&stripped, gone),
            "{}",
            String::from_utf8_lossy(gone)
        );
    }
    assert!(stripped.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(stripped.ends_with(&[0xFF, 0xD9]));
}

#[test]
fn a_jpeg_keeps_its_orientation_alone() {
    // IFD0 with Make and Orientation = 6 (turned right), little-endian.
    let mut tiff = b"II\x2a\0\x08\0\0\0\x02\0".to_vec();
    tiff.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'C', b'a', b'm', 0]);
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    jpeg.extend_from_slice(&app1);
    jpeg.extend_from_slice(&JPEG_WITH_GPS[2..]);

    let stripped = strip(ImageType::Jpeg, &jpeg).unwrap();
    assert!(!contains(&stripped, b"Cam\0"));
    assert!(markers_in(&stripped).is_empty());
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06";
    assert!(contains(&stripped, exif), "the orientation is kept");
    assert_eq!(strip(ImageType::Jpeg, &stripped).unwrap(), stripped);
    assert_eq!(dimensions(&stripped), Some(SIZE));
}

#[test]
fn what_follows_the_end_of_an_image_is_dropped() {
    for (image, bytes) in IMAGES {
        let mut trailed = bytes.to_vec();
        trailed.extend_from_slice(b"appended: made by jane");
        let stripped = strip(image, &trailed).unwrap();
        assert!(!contains(&stripped, b"appended"), "{image:?}");
        assert_eq!(stripped, strip(image, bytes).unwrap(), "{image:?}");
    }
}

#[test]
fn a_webp_no_longer_announces_its_exif() {
    let stripped = strip(ImageType::Webp, WEBP_WITH_EXIF).unwrap();
    let riff_size = u32::from_le_bytes(stripped[4..8].try_into().unwrap());
    assert_eq!(riff_size as usize, stripped.len() - 8);
    if let Some(at) = stripped.windows(4).position(|w| w == b"VP8X") {
        assert_eq!(stripped[at + 8] & 0b1100, 0, "EXIF and XMP flags cleared");
    }
    assert!(!contains(&stripped, b"EXIF"));
}

#[test]
fn a_gif_keeps_its_looping_but_not_its_comment() {
    let stripped = strip(ImageType::Gif, GIF_WITH_COMMENT).unwrap();
    assert_eq!(
        contains(GIF_WITH_COMMENT, b"NETSCAPE2.0"),
        contains(&stripped, b"NETSCAPE2.0")
    );
    assert!(!contains(&stripped, &[0x21, 0xFE]), "no comment extension");
    assert_eq!(stripped.last(), Some(&0x3B));
}

#[test]
fn cut_or_garbled_images_are_refused_with_a_reason() {
    for (image, bytes) in IMAGES {
        let cut = &bytes[..bytes.len() / 3];
        let error = strip(image, cut).unwrap_err();
        assert!(!error.0.is_empty(), "{image:?}");
        let mut garbage = bytes[..16].to_vec();
        garbage.extend_from_slice(&[0xAB; 64]);
        assert!(strip(image, &garbage).is_err(), "{image:?} garbage");
    }
    assert_eq!(
        strip(ImageType::Png, b"<html><body>hi</body></html>")
            .unwrap_err()
            .0,
        "its signature is wrong"
    );
}

fn refusal(result: Result<NewAttachment>) -> String {
    match result {
        Err(AttachmentError::Refused(message)) => message,
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn the_type_comes_from_the_given_type_then_the_name_then_the_bytes() {
    let text = |name: &str, given: Option<&str>| {
        prepare(name, given, b"fn main() {}\n".to_vec())
            .unwrap()
            .media_type
    };
    assert_eq!(text("main.rs", Some("text/x-rust")), "text/x-rust");
    assert_eq!(text("main.rs", None), "text/plain");
    assert_eq!(
        text("notes.md", Some("application/octet-stream")),
        "text/markdown"
    );
    assert_eq!(text("Makefile", None), "text/plain");
    let image = prepare("paste", None, PNG_WITH_TEXT.to_vec()).unwrap();
    assert_eq!(image.media_type, "image/png");
    assert_eq!(image.size, Some(SIZE));
    let pdf = prepare("scan", None, b"%PDF-1.7\n...".to_vec()).unwrap();
    assert_eq!(pdf.media_type, "application/pdf");
    // A JPEG saved as .png is taken as the JPEG it is.
    let renamed = prepare("photo.png", Some("image/png"), JPEG_WITH_GPS.to_vec()).unwrap();
    assert_eq!(renamed.media_type, "image/jpeg");
    assert!(markers_in(&renamed.bytes).is_empty());
    assert_eq!(
        renamed.sha256,
        chat_core::attachment::sha256_hex(&renamed.bytes)
    );
}

#[test]
fn other_types_and_lying_bytes_are_refused_by_name() {
    let svg = refusal(prepare(
        "logo.svg",
        Some("image/svg+xml"),
        b"<svg onload=alert(1)/>".to_vec(),
    ));
    assert!(svg.contains("“logo.svg” is image/svg+xml"), "{svg}");
    assert!(svg.contains("images (PNG, JPEG, WebP, GIF), text files and PDFs"));
    let html = refusal(prepare("page.png", Some("image/png"), b"<html>".to_vec()));
    assert!(html.contains("is not a PNG image"), "{html}");
    let binary = refusal(prepare("blob", None, vec![0, 159, 146, 150]));
    assert!(binary.contains("application/octet-stream"), "{binary}");
    let latin1 = refusal(prepare("notes.txt", None, b"caf\xE9".to_vec()));
    assert!(latin1.contains("not UTF-8"), "{latin1}");
    let pdf = refusal(prepare("a.pdf", None, b"not a pdf".to_vec()));
    assert!(pdf.contains("not a PDF"), "{pdf}");
    let cut = refusal(prepare("cut.png", None, PNG_WITH_TEXT[..40].to_vec()));
    assert!(cut.contains("not a readable PNG image"), "{cut}");
    assert!(refusal(prepare("empty.txt", None, Vec::new())).contains("empty"));
}

#[test]
fn sizes_and_counts_are_refused_naming_the_limit() {
    let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
    let message = refusal(prepare("big.txt", None, big));
    assert_eq!(message, "“big.txt” is 10 MB: a file may be at most 10 MB");
    let store = Store::open_in_memory().unwrap();
    let encoded = STANDARD.encode(vec![b'a'; MAX_ATTACHMENT_BYTES + 3000]);
    let error = add(&store, "huge.txt", None, &encoded).unwrap_err();
    assert_eq!(error.code(), "attachment_refused");
    assert!(error.to_string().contains("at most 10 MB"), "{error}");
    let not_base64 = add(&store, "x.txt", None, "***").unwrap_err();
    assert!(
        not_base64.to_string().contains("not base64"),
        "{not_base64}"
    );

    let file = |size: i64| contract::AttachmentRef {
        sha256: "0".repeat(64),
        name: "f.txt".into(),
        media_type: "text/plain".into(),
        size,
        width: None,
        height: None,
    };
    assert!(check_message(&vec![file(1); MAX_ATTACHMENTS_PER_MESSAGE]).is_ok());
    let eleven = check_message(&vec![file(1); 11]).unwrap_err().to_string();
    assert_eq!(eleven, "a message may carry at most 10 files, not 11");
    let heavy = check_message(&vec![file(8 * 1024 * 1024); 3]).unwrap_err();
    assert_eq!(
        heavy.to_string(),
        "the files of a message may total at most 20 MB, not 24 MB"
    );
}

#[test]
fn names_lose_paths_and_control_characters_and_fit_the_limit() {
    assert_eq!(file_name("C:\\Users\\jane\\shot.png"), "shot.png");
    assert_eq!(file_name("/home/jane/a\u{7}b.txt"), "ab.txt");
    assert_eq!(file_name("  "), "file");
    assert_eq!(file_name(".."), "file");
    let long = format!("{}.md", "é".repeat(200));
    let short = file_name(&long);
    assert!(short.len() <= MAX_ATTACHMENT_NAME_BYTES, "{}", short.len());
    assert!(short.ends_with("….md"), "{short}");
    assert_eq!(size_words(1536), "2 KB");
    assert_eq!(size_words(2_621_440), "2.5 MB");
}

#[test]
fn a_file_is_stored_once_and_read_back_whole() {
    let store = Store::open_in_memory().unwrap();
    let data = STANDARD.encode(JPEG_WITH_GPS);
    let first = add(&store, "photo.jpg", None, &data).unwrap();
    let again = add(&store, "again.jpg", Some("image/jpeg"), &data).unwrap();
    assert_eq!(first.sha256, again.sha256);
    assert_eq!((first.width, first.height), (Some(16), Some(12)));
    assert_eq!(first.media_type, "image/jpeg");
    let (stored, bytes) = store.attachment(&first.sha256).unwrap();
    assert_eq!(stored.name, "again.jpg", "the last name it was added with");
    assert_eq!(chat_core::attachment::sha256_hex(&bytes), first.sha256);
    assert!(markers_in(&bytes).is_empty());
    assert_eq!(stored.size, i64::try_from(bytes.len()).unwrap());
}
