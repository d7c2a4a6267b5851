//! Metadata cut out of images without decoding them: the container's
//! segments or chunks are walked and those that describe the picture's
//! making (EXIF with GPS and camera, XMP, IPTC, comments, text chunks,
//! times) are dropped; the pixels' bytes are copied through untouched.
//!
//! Kept: what changes how the picture looks — a JPEG's JFIF header, ICC
//! colour profile and Adobe colour transform, a PNG's colour chunks, a
//! WebP's ICC profile, a GIF's looping. A JPEG's orientation is kept too,
//! as a new EXIF block holding that one tag, so a phone photo is not shown
//! on its side. Anything after the image's end (trailers, appended files)
//! is dropped. Stripping a stripped image changes nothing.

use chat_core::attachment::ImageType;
use img_parts::jpeg::{Jpeg, JpegSegment, markers};
use img_parts::png::Png;
use img_parts::riff::RiffContent;
use img_parts::webp::{CHUNK_EXIF, CHUNK_VP8X, CHUNK_XMP, WebP};
use img_parts::{Bytes, Error as PartsError};

use super::gif;

/// An image whose structure could not be read (cut short, or not what its
/// first bytes say).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

impl From<PartsError> for Unreadable {
    fn from(error: PartsError) -> Self {
        Unreadable(match error {
            PartsError::WrongSignature => "its signature is wrong".into(),
            PartsError::BadCRC => "a chunk's checksum is wrong".into(),
            PartsError::Truncated => "it is cut short".into(),
        })
    }
}

/// `bytes` (an image of type `image`) without its metadata.
pub fn strip(image: ImageType, bytes: &[u8]) -> Result<Vec<u8>, Unreadable> {
    let bytes = Bytes::copy_from_slice(bytes);
    Ok(match image {
        ImageType::Jpeg => jpeg(bytes)?,
        ImageType::Png => png(bytes)?,
        ImageType::Webp => webp(bytes)?,
        ImageType::Gif => gif::strip(&bytes)?,
    })
}

/// The EXIF header of a JPEG APP1 segment.
const EXIF_PREFIX: &[u8] = b"Exif\0\0";

fn jpeg(bytes: Bytes) -> Result<Vec<u8>, Unreadable> {
    let mut image = Jpeg::from_bytes(bytes)?;
    let orientation = image
        .segments()
        .iter()
        .filter(|s| s.marker() == markers::APP1)
        .find_map(|s| s.contents().strip_prefix(EXIF_PREFIX).and_then(orientation))
        .filter(|o| *o != 1);
    image.segments_mut().retain(keeps_jpeg_segment);
    if !image.segments().iter().any(JpegSegment::has_entropy) {
        return Err(Unreadable("it has no image data".into()));
    }
    if let Some(orientation) = orientation {
        // Right after the JFIF header, where EXIF stands.
        let at =
            usize::from(image.segments().first().map(JpegSegment::marker) == Some(markers::APP0));
        image.segments_mut().insert(
            at,
            JpegSegment::new_with_contents(markers::APP1, orientation_exif(orientation)),
        );
    }
    cut_after_end_of_image(&mut image);
    Ok(image.encoder().bytes().to_vec())
}

/// Whether a JPEG segment is kept: everything but application segments and
/// comments, and of those the JFIF header, the ICC profile and the Adobe
/// colour transform. (EXIF goes whole; its orientation comes back alone.)
fn keeps_jpeg_segment(segment: &JpegSegment) -> bool {
    let contents = segment.contents();
    match segment.marker() {
        markers::APP0 => contents.starts_with(b"JFIF\0"),
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        // Adobe's 12-byte block says how the colour channels are coded;
        // without it some images come out in the wrong colours.
        markers::APP14 => contents.starts_with(b"Adobe") && contents.len() == 12,
        marker if (markers::APP0..=markers::APP15).contains(&marker) => false,
        markers::COM => false,
        _ => true,
    }
}

/// Drops what follows the image's end marker (`FF D9`) in the scan data:
/// in entropy-coded data `FF` is always followed by `00` or a restart or
/// frame marker, so the first `FF D9` is the end.
fn cut_after_end_of_image(image: &mut Jpeg) {
    let Some(index) = image.segments().iter().position(JpegSegment::has_entropy) else {
        return;
    };
    let segment = &image.segments()[index];
    let encoded = segment.clone().encoder().bytes();
    let header = segment.len();
    let Some(end) = encoded[header..].windows(2).position(|w| w == [0xFF, 0xD9]) else {
        return;
    };
    let entropy = encoded.slice(header..header + end + 2);
    let contents = segment.contents().clone();
    let marker = segment.marker();
    image.segments_mut()[index] = JpegSegment::new_with_entropy(marker, contents, entropy);
    image.segments_mut().truncate(index + 1);
}

/// The Orientation tag (0x0112) of EXIF data (a TIFF structure), if IFD0
/// has one.
fn orientation(tiff: &[u8]) -> Option<u16> {
    let big_endian = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let pair: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        })
    };
    let u32_at = |at: usize| {
        let quad: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big_endian {
            u32::from_be_bytes(quad)
        } else {
            u32::from_le_bytes(quad)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd)?;
    (0..usize::from(entries))
        .map(|i| ifd + 2 + i * 12)
        .find(|entry| u16_at(*entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
        .filter(|o| (1..=8).contains(o))
}

/// An EXIF block holding only an orientation: a big-endian TIFF header and
/// one IFD with one SHORT entry.
fn orientation_exif(orientation: u16) -> Bytes {
    let mut block = EXIF_PREFIX.to_vec();
    block.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // header, IFD0 at 8
    block.extend_from_slice(&1u16.to_be_bytes()); // one entry
    block.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]); // Orientation, SHORT, 1
    block.extend_from_slice(&orientation.to_be_bytes());
    block.extend_from_slice(&[0, 0]); // padding of the value
    block.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    Bytes::from(block)
}

/// PNG chunks that describe the picture's making, not how it looks.
const PNG_METADATA: [[u8; 4]; 5] = [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"];

fn png(bytes: Bytes) -> Result<Vec<u8>, Unreadable> {
    let mut image = Png::from_bytes(bytes)?;
    if !image.chunks().iter().any(|c| c.kind() == *b"IDAT") {
        return Err(Unreadable("it has no image data".into()));
    }
    image
        .chunks_mut()
        .retain(|chunk| !PNG_METADATA.contains(&chunk.kind()));
    Ok(image.encoder().bytes().to_vec())
}

/// The VP8X flags of an EXIF and of an XMP chunk.
const VP8X_EXIF: u8 = 0b0000_1000;
const VP8X_XMP: u8 = 0b0000_0100;

fn webp(bytes: Bytes) -> Result<Vec<u8>, Unreadable> {
    let mut image = WebP::from_bytes(bytes)?;
    if image.dimensions().is_none() {
        return Err(Unreadable("it has no readable image data".into()));
    }
    image.remove_chunks_by_id(CHUNK_EXIF);
    image.remove_chunks_by_id(CHUNK_XMP);
    // The header must not announce what is gone.
    if let Some(vp8x) = image.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X)
        && let RiffContent::Data(data) = vp8x.content_mut()
        && let Some(flags) = data.first()
    {
        let mut cleared = data.to_vec();
        cleared[0] = flags & !(VP8X_EXIF | VP8X_XMP);
        *data = Bytes::from(cleared);
    }
    // The encoder writes the RIFF size from the chunks that are left.
    Ok(image.encoder().bytes().to_vec())
}
