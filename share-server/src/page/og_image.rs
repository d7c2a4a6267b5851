//! The link-preview card (`/shared/{id}/og.png`): a 1200×630 PNG with the
//! title, the models, the message count, the total tokens and cost and the
//! Parlor mark, drawn from an SVG this module writes and resvg renders.
//!
//! The SVG is ours; only text from the snapshot goes into it, XML-escaped,
//! stripped of the characters XML cannot hold, and cut to fit, so no title
//! can add an element, an attribute or a reference. The renderer sees only
//! the bundled DejaVu Sans (`assets/fonts`, licence beside it): no system
//! fonts, no files, no images.

use std::sync::{Arc, LazyLock};

use chat_core::ShareSnapshot;
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, ImageHrefResolver, fontdb};

use super::{format, share};

/// The card's size: what OpenGraph and Twitter's large cards expect.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const FONT_FAMILY: &str = "DejaVu Sans";
/// Left margin and the width text may take.
const MARGIN: f32 = 80.0;
const TEXT_WIDTH: f32 = WIDTH as f32 - 2.0 * MARGIN;
const TITLE_SIZE: f32 = 64.0;
const TITLE_LINES: usize = 2;
const LINE_SIZE: f32 = 34.0;

/// The fonts the renderer may use: the bundled ones only.
static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut fonts = fontdb::Database::new();
    fonts.load_font_data(include_bytes!("../../assets/fonts/DejaVuSans.ttf").to_vec());
    fonts.load_font_data(include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf").to_vec());
    Arc::new(fonts)
});

/// What a card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OgCard {
    /// The share's title (empty: no title line is drawn).
    pub title: String,
    /// `6 messages with gpt-4o (openai)`.
    pub summary: String,
    /// `1,234 tokens · $0.0123`.
    pub figures: String,
}

impl OgCard {
    pub fn of(snapshot: &ShareSnapshot) -> Self {
        let totals = snapshot.totals();
        Self {
            title: share::display_title(snapshot).to_owned(),
            summary: share::summary(snapshot),
            figures: format!(
                "{} tokens · {}",
                format::count(totals.total_tokens),
                format::cost(totals.total_cost)
            ),
        }
    }
}

/// Why a card could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum OgImageError {
    #[error("the card's SVG did not parse: {0}")]
    Svg(#[from] usvg::Error),
    #[error("could not encode the PNG: {0}")]
    Png(String),
}

/// The card as PNG bytes. CPU-bound (tens of milliseconds): call from a
/// blocking task.
pub fn render(card: &OgCard) -> Result<Vec<u8>, OgImageError> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_owned(),
        fontdb: Arc::clone(&FONTS),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg(card), &options)?;
    let mut pixmap =
        Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| OgImageError::Png("no pixmap".into()))?;
    resvg::render(&tree, Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| OgImageError::Png(e.to_string()))
}

/// The card as SVG source.
pub fn svg(card: &OgCard) -> String {
    let mut text = String::new();
    let mut y = 250.0;
    for line in wrap(&card.title, TITLE_SIZE, TITLE_LINES) {
        text.push_str(&text_element(&line, y, TITLE_SIZE, "bold", "#111827"));
        y += TITLE_SIZE * 1.25;
    }
    let y = y.max(250.0 + TITLE_SIZE * 1.25) + 40.0;
    for (line, y, color) in [
        (&card.summary, y, "#374151"),
        (&card.figures, y + LINE_SIZE * 1.6, "#111827"),
    ] {
        if let Some(line) = wrap(line, LINE_SIZE, 1).first() {
            text.push_str(&text_element(line, y, LINE_SIZE, "normal", color));
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#faf7f2"/>
<rect width="16" height="{HEIGHT}" fill="#7c3aed"/>
<text x="{MARGIN}" y="120" font-family="{FONT_FAMILY}" font-size="44" font-weight="bold" fill="#7c3aed">¶ Parlor</text>
{text}<text x="{MARGIN}" y="580" font-family="{FONT_FAMILY}" font-size="26" fill="#6b7280">A shared chat · read-only snapshot</text>
</svg>"##
    )
}

fn text_element(line: &str, y: f32, size: f32, weight: &str, color: &str) -> String {
    format!(
        "<text x=\"{MARGIN}\" y=\"{y}\" font-family=\"{FONT_FAMILY}\" font-size=\"{size}\" \
         font-weight=\"{weight}\" fill=\"{color}\">{}</text>\n",
        escape(line)
    )
}

/// `text` with `&`, `<`, `>`, `"` and `'` escaped and every character XML
/// 1.0 cannot hold (most control characters, U+FFFE, U+FFFF) left out.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => {}
            c if c.is_control() && !matches!(c, '\u{80}'..='\u{9f}') => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Roughly how wide a character is, in ems: DejaVu Sans's Latin letters
/// average about 0.62 em, CJK and emoji take a full em. An estimate is
/// enough: the lines only have to fit, not to be justified.
fn width(c: char) -> f32 {
    if c.len_utf8() >= 3 { 1.0 } else { 0.62 }
}

/// `text` (white space collapsed) in at most `lines` lines that fit the
/// card at `size`, words kept whole where they fit; `…` ends the last
/// line when text is left over.
fn wrap(text: &str, size: f32, lines: usize) -> Vec<String> {
    let room = TEXT_WIDTH / size;
    let mut wrapped: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut cut = false;
    'words: for word in &words {
        let word_width: f32 = word.chars().map(width).sum();
        let space = if line.is_empty() { 0.0 } else { width(' ') };
        if used + space + word_width > room && !line.is_empty() {
            wrapped.push(std::mem::take(&mut line));
            used = 0.0;
            if wrapped.len() == lines {
                cut = true;
                break;
            }
        }
        if !line.is_empty() {
            line.push(' ');
            used += width(' ');
        }
        for c in word.chars() {
            if used + width(c) > room {
                wrapped.push(std::mem::take(&mut line));
                used = 0.0;
                if wrapped.len() == lines {
                    cut = true;
                    break 'words;
                }
            }
            line.push(c);
            used += width(c);
        }
    }
    if !line.is_empty() && wrapped.len() < lines {
        wrapped.push(line);
    }
    if cut && let Some(last) = wrapped.last_mut() {
        while last.chars().map(width).sum::<f32>() + 1.0 > room {
            last.pop();
        }
        let kept = last.trim_end().len();
        last.truncate(kept);
        last.push('…');
    }
    wrapped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_stripped_of_what_xml_cannot_hold() {
        assert_eq!(
            escape("<b a=\"1\" b='2'>&amp;</b>"),
            "&lt;b a=&quot;1&quot; b=&apos;2&apos;&gt;&amp;amp;&lt;/b&gt;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c\u{fffe}d\u{85}e"), "abcd\u{85}e");
    }

    #[test]
    fn long_titles_wrap_into_two_lines_and_end_with_an_ellipsis() {
        let short = wrap("Weather in Paris", TITLE_SIZE, 2);
        assert_eq!(short, ["Weather in Paris"]);
        let long = wrap(&"word ".repeat(60), TITLE_SIZE, 2);
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'), "{long:?}");
        let unbroken = wrap(&"x".repeat(500), TITLE_SIZE, 2);
        assert_eq!(unbroken.len(), 2);
        assert!(unbroken[1].ends_with('…'));
        assert!(wrap("   ", TITLE_SIZE, 2).is_empty());
        for line in long.iter().chain(&unbroken) {
            assert!(line.chars().map(width).sum::<f32>() <= TEXT_WIDTH / TITLE_SIZE);
        }
    }
}
