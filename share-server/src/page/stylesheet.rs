//! The one stylesheet of the server's pages, served at [`STYLESHEET_PATH`]
//! and inlined in the standalone file: chat-core's page stylesheet (the
//! parts shared with the desktop app's `chat.css` and the page's own, in
//! `chat-core/assets/chat/`), the attached files and the unlock form, then
//! the syntax-highlighting theme.
//!
//! It is sent without its comments, indentation and blank lines: the
//! comments document the source, and would otherwise be a fifth of what
//! every first visit downloads.

/// Path at which the stylesheet is served (referenced by every page).
pub const STYLESHEET_PATH: &str = "/assets/share.css";

/// The page's styles for attached files and the unlock form (after the
/// conversation styles).
const PAGE_EXTRAS: &str = concat!(include_str!("attachments.css"), include_str!("unlock.css"));

/// The stylesheet bytes served at [`STYLESHEET_PATH`].
pub(crate) fn stylesheet() -> String {
    compact(&source())
}

/// The stylesheet as written: its parts in cascade order, with comments.
fn source() -> String {
    let highlight = chat_core::markdown::highlight_stylesheet();
    [chat_core::style::PAGE_STYLESHEET, PAGE_EXTRAS, &highlight].join("\n")
}

/// `css` without comments, blank lines and the whitespace around each line.
/// A comment becomes a space, so it never joins the tokens either side; no
/// string is touched (one cannot span lines, and a `/*` in it is text).
fn compact(css: &str) -> String {
    let mut bare = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut quote = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(open) => {
                bare.push(c);
                if c == '\\' {
                    bare.extend(chars.next());
                } else if c == open {
                    quote = None;
                }
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
                bare.push(' ');
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                bare.push(c);
            }
        }
    }
    let lines: Vec<&str> = bare
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_drops_comments_and_layout_but_keeps_strings() {
        let css = "/* head\n * more */\n\n.a::before {\n  content: \"/* kept */\"; /* gone */\n  \
                   color: red;\n}\n\n\n  .b{x:1}/**/.c{y:'\\'/*'}\n";
        assert_eq!(
            compact(css),
            ".a::before {\ncontent: \"/* kept */\";\ncolor: red;\n}\n.b{x:1} .c{y:'\\'/*'}"
        );
    }

    /// Only comments and whitespace go: with both taken out of the source
    /// and of what is served, the two are the same characters.
    #[test]
    fn the_served_stylesheet_is_its_sources_without_comments() {
        let source = source();
        let mut uncommented = String::new();
        let mut rest = source.as_str();
        while let Some((before, comment)) = rest.split_once("/*") {
            uncommented.push_str(before);
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
        }
        uncommented.push_str(rest);
        let served = stylesheet();
        assert!(!served.contains("/*"), "a comment is served");
        let solid = |css: &str| css.split_whitespace().collect::<String>();
        assert_eq!(solid(&served), solid(&uncommented));
        assert!(served.len() < source.len() * 17 / 20, "{}", served.len());
    }
}
