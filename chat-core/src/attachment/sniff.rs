//! The raster image types a reader may see inline, and the check that a
//! file's first bytes are what its media type says.

/// An image type shown inline on the page and in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageType {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl ImageType {
    pub const ALL: [ImageType; 4] = [
        ImageType::Png,
        ImageType::Jpeg,
        ImageType::Webp,
        ImageType::Gif,
    ];

    /// The canonical media type.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Webp => "image/webp",
            ImageType::Gif => "image/gif",
        }
    }

    /// The type of a media type's essence (lowercase, no parameters);
    /// `image/jpg` is read as JPEG.
    pub fn from_media_type(essence: &str) -> Option<ImageType> {
        match essence {
            "image/jpg" => Some(ImageType::Jpeg),
            other => Self::ALL.into_iter().find(|t| t.media_type() == other),
        }
    }

    /// The type the file's first bytes announce, if any of these.
    pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageType::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageType::Jpeg)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ImageType::Webp)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageType::Gif)
        } else {
            None
        }
    }
}

/// Width and height in pixels, read from an image's header; `None` when the
/// header is not one of [`ImageType`]'s or is cut short.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageType::sniff(bytes)?;
    let size = imagesize::blob_size(bytes).ok()?;
    Some((
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    ))
}
