//! The stylesheets for rendered conversations, shared by the public share
//! page and the desktop UI so both look alike.
//!
//! They are kept in parts by topic under `assets/chat/`, each rule written
//! once. A part named `*.page.css` is the share page's alone (its header,
//! totals, tables, footer, error pages, phone layout and print), one named
//! `*.app.css` the desktop app's alone; every other part goes to both. Each
//! stylesheet joins its parts in file-name order with a blank line between
//! them (the order is the cascade), so the page loads none of the app's
//! rules and the app none of the page's.

/// The parts in `assets/chat/` named in order, joined with a newline
/// between them.
macro_rules! parts {
    ($first:literal $(, $part:literal)* $(,)?) => {
        concat!(
            include_str!(concat!("../assets/chat/", $first))
            $(, "\n", include_str!(concat!("../assets/chat/", $part)))*
        )
    };
}

/// The share page's stylesheet: the shared parts and the page's own (the
/// share-server serves it with its attachment styles and the
/// syntax-highlighting theme).
pub const PAGE_STYLESHEET: &str = parts!(
    "10-palettes.css",
    "20-messages.css",
    "30-figures.css",
    "35-totals.page.css",
    "40-markdown.css",
    "50-share-page.page.css",
    "60-tables-footer.page.css",
    "70-comparisons.css",
    "75-comparisons.page.css",
    "80-mobile.css",
    "85-mobile.page.css",
    "90-print.page.css",
);

/// The desktop UI's `chat.css`: the shared parts and the app's own.
pub const APP_STYLESHEET: &str = parts!(
    "10-palettes.css",
    "20-messages.css",
    "25-messages.app.css",
    "30-figures.css",
    "40-markdown.css",
    "70-comparisons.css",
    "80-mobile.css",
);

#[cfg(test)]
mod tests {
    /// The parts in `assets/chat/` whose names do not end in `unless`, in
    /// file-name order, joined as [`parts!`] joins them.
    fn parts_without(unless: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/chat");
        let mut parts: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| !path.to_string_lossy().ends_with(unless))
            .collect();
        parts.sort();
        let parts: Vec<String> = parts
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        parts.join("\n")
    }

    /// Every part in `assets/chat/` is in the stylesheets it belongs to, in
    /// file-name order: a part added to the folder but not to the lists
    /// above fails here.
    #[test]
    fn each_stylesheet_is_its_parts_in_file_name_order() {
        assert_eq!(super::PAGE_STYLESHEET, parts_without(".app.css"));
        assert_eq!(super::APP_STYLESHEET, parts_without(".page.css"));
    }

    /// The page's own parts style the page's chrome (`.pl-page`, `.share-*`),
    /// which the app never shows, and the app's own part is not on the page.
    #[test]
    fn the_page_and_the_app_get_only_their_own_chrome() {
        for page_only in [
            "body.pl-page {",
            ".share-title {",
            ".stat-grid {",
            "@media print {",
        ] {
            assert!(super::PAGE_STYLESHEET.contains(page_only), "{page_only}");
            assert!(!super::APP_STYLESHEET.contains(page_only), "{page_only}");
        }
        assert!(super::APP_STYLESHEET.contains(".msg-reasoning-tokens {"));
        assert!(!super::PAGE_STYLESHEET.contains(".msg-reasoning-tokens {"));
    }
}
