//! A GIF's blocks walked and copied, without its comments and application
//! extensions (XMP and others ride in those) except the looping one
//! (`NETSCAPE2.0`, or `ANIMEXTS1.0` which says the same), and without
//! anything after the trailer.

use super::strip::Unreadable;

const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const COMMENT: u8 = 0xFE;
const APPLICATION: u8 = 0xFF;
/// The application extensions that only say how often to loop.
const LOOPING: [&[u8]; 2] = [b"NETSCAPE2.0", b"ANIMEXTS1.0"];

/// A cursor over the file, failing when it is cut short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], Unreadable> {
        let end = self
            .at
            .checked_add(count)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| Unreadable("it is cut short".into()))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn byte(&mut self) -> Result<u8, Unreadable> {
        Ok(self.take(1)?[0])
    }

    /// Data sub-blocks up to and including their zero terminator.
    fn sub_blocks(&mut self) -> Result<&'a [u8], Unreadable> {
        let start = self.at;
        loop {
            let size = self.byte()?;
            if size == 0 {
                return Ok(&self.bytes[start..self.at]);
            }
            self.take(usize::from(size))?;
        }
    }
}

/// The size of the colour table a packed-fields byte announces, if any.
fn color_table(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

/// `bytes` (a GIF) without comments, non-looping application extensions
/// and anything after its trailer.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, Unreadable> {
    let mut reader = Reader { bytes, at: 0 };
    let header = reader.take(6)?;
    if header != b"GIF87a" && header != b"GIF89a" {
        return Err(Unreadable("its signature is wrong".into()));
    }
    let screen = reader.take(7)?;
    let global_colors = reader.take(color_table(screen[4]))?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(header);
    out.extend_from_slice(screen);
    out.extend_from_slice(global_colors);
    let mut images = 0;
    loop {
        let start = reader.at;
        match reader.byte()? {
            TRAILER => break,
            IMAGE => {
                let descriptor = reader.take(9)?;
                reader.take(color_table(descriptor[8]))?;
                reader.take(1)?; // LZW minimum code size
                reader.sub_blocks()?;
                out.extend_from_slice(&bytes[start..reader.at]);
                images += 1;
            }
            EXTENSION => {
                let label = reader.byte()?;
                let body_start = reader.at;
                reader.sub_blocks()?;
                let body = &bytes[body_start..reader.at];
                let keep = match label {
                    COMMENT => false,
                    // The first sub-block is the 11-byte application name.
                    APPLICATION => LOOPING
                        .iter()
                        .any(|name| body.get(1..12) == Some(*name) && body.first() == Some(&11)),
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(&bytes[start..reader.at]);
                }
            }
            other => {
                return Err(Unreadable(format!(
                    "it has an unknown block (0x{other:02X}) at byte {start}"
                )));
            }
        }
    }
    if images == 0 {
        return Err(Unreadable("it has no image".into()));
    }
    out.push(TRAILER);
    Ok(out)
}
