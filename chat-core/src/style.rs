//! The one stylesheet for rendered conversations, shared by the public share
//! page and the desktop UI so both look alike.
//!
//! It is kept in parts by topic under `assets/chat/`, joined in file-name
//! order with a blank line between them (the order is the cascade). The
//! desktop UI serves the same bytes as `chat.css`.

/// CSS for messages, metadata, code blocks and the page chrome.
pub const STYLESHEET: &str = concat!(
    include_str!("../assets/chat/10-palettes.css"),
    "\n",
    include_str!("../assets/chat/20-messages.css"),
    "\n",
    include_str!("../assets/chat/30-figures.css"),
    "\n",
    include_str!("../assets/chat/40-markdown.css"),
    "\n",
    include_str!("../assets/chat/50-share-page.css"),
    "\n",
    include_str!("../assets/chat/60-tables-footer.css"),
    "\n",
    include_str!("../assets/chat/70-comparisons.css"),
    "\n",
    include_str!("../assets/chat/80-mobile.css"),
    "\n",
    include_str!("../assets/chat/90-print.css"),
);

#[cfg(test)]
mod tests {
    /// Every part in `assets/chat/` is in the stylesheet, in file-name order:
    /// a part added to the folder but not to the list above fails here.
    #[test]
    fn stylesheet_is_every_part_in_file_name_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/chat");
        let mut parts: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        parts.sort();
        let parts: Vec<String> = parts
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        assert_eq!(super::STYLESHEET, parts.join("\n"));
    }
}
