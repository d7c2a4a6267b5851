//! The theme choice (system, light, dark). chat.css switches colours with
//! `prefers-color-scheme`; its two palettes are applied under
//! `:root[data-theme]` too ([`palettes_css`]), and the highlight stylesheet
//! is scoped here the same way.

/// The themes offered in Settings, as `(value, label)`.
pub const THEMES: &[(&str, &str)] = &[("system", "System"), ("light", "Light"), ("dark", "Dark")];

/// A stored theme value, `system` when unknown.
pub fn normalize(theme: &str) -> &'static str {
    THEMES
        .iter()
        .find(|(value, _)| *value == theme)
        .map_or("system", |(value, _)| value)
}

/// The palettes of an explicit theme choice: `light` and `dark` are the
/// declarations of chat.css's two (`--pl-*: …;`), each applied under its
/// `data-theme` whatever the system's scheme is.
pub fn palettes_css(light: &str, dark: &str) -> String {
    [("light", light), ("dark", dark)]
        .iter()
        .map(|(theme, palette)| {
            format!(":root[data-theme=\"{theme}\"] {{ {palette} color-scheme: {theme}; }}\n")
        })
        .collect()
}

const LIGHT_OPEN: &str = "@media not all and (prefers-color-scheme: dark) {\n";
const DARK_OPEN: &str = "}\n@media (prefers-color-scheme: dark) {\n";

/// chat-core's highlight stylesheet (a light block for light systems, a
/// dark block for dark ones) made to follow an explicit `data-theme` too:
/// each block also applies when its theme is chosen, and not when the
/// other one is. A stylesheet of another shape is returned unchanged.
pub fn themed_highlight_css(css: &str) -> String {
    let Some(body) = css.strip_prefix(LIGHT_OPEN) else {
        return css.to_owned();
    };
    let Some((light, dark)) = body.split_once(DARK_OPEN) else {
        return css.to_owned();
    };
    let Some(dark) = dark.trim_end().strip_suffix('}') else {
        return css.to_owned();
    };
    format!(
        "{LIGHT_OPEN}{}}}\n@media (prefers-color-scheme: dark) {{\n{}}}\n{}{}",
        scoped(light, ":root:not([data-theme=\"dark\"])"),
        scoped(dark, ":root:not([data-theme=\"light\"])"),
        scoped(light, ":root[data-theme=\"light\"]"),
        scoped(dark, ":root[data-theme=\"dark\"]"),
    )
}

/// Prefixes every selector of the rules in `css` with `scope`.
fn scoped(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    for line in css.lines() {
        let trimmed = line.trim_end();
        let is_selector_line = trimmed.ends_with('{')
            && !trimmed.starts_with('@')
            && !trimmed.trim_start().starts_with('/')
            && !trimmed.trim_start().starts_with('*');
        if is_selector_line {
            let selectors = trimmed.trim_end_matches('{');
            let prefixed: Vec<String> = selectors
                .split(',')
                .map(|selector| format!("{scope} {}", selector.trim()))
                .collect();
            out.push_str(&prefixed.join(", "));
            out.push_str(" {\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_themes_fall_back_to_system() {
        let stored = ["dark", "light", "system", "sepia", ""];
        let applied = stored.map(normalize);
        assert_eq!(applied, ["dark", "light", "system", "system", "system"]);
    }

    #[test]
    fn highlight_css_follows_the_chosen_theme() {
        let css = "@media not all and (prefers-color-scheme: dark) {\n\
                   .hl-code {\n color: #111;\n}\n.hl-a, .hl-b.hl-c {\n color: red;\n}\n}\n\
                   @media (prefers-color-scheme: dark) {\n.hl-code {\n color: #eee;\n}\n}\n";
        let out = themed_highlight_css(css);
        assert!(out.contains(":root:not([data-theme=\"dark\"]) .hl-code {\n color: #111;"));
        assert!(out.contains(
            ":root:not([data-theme=\"dark\"]) .hl-a, :root:not([data-theme=\"dark\"]) .hl-b.hl-c {"
        ));
        assert!(out.contains(":root:not([data-theme=\"light\"]) .hl-code {\n color: #eee;"));
        assert!(out.contains(":root[data-theme=\"light\"] .hl-code {\n color: #111;"));
        assert!(out.contains(":root[data-theme=\"dark\"] .hl-code {\n color: #eee;"));
        assert_eq!(out.matches('{').count(), out.matches('}').count());
    }

    #[test]
    fn the_real_highlight_stylesheet_is_scoped() {
        let css = chat_core::markdown::highlight_stylesheet();
        let out = themed_highlight_css(&css);
        assert_ne!(
            out, css,
            "the stylesheet's shape changed: update themed_highlight_css"
        );
        assert!(out.contains(":root[data-theme=\"dark\"] .hl-"));
        assert!(out.contains(":root[data-theme=\"light\"] .hl-"));
        assert_eq!(out.matches('{').count(), out.matches('}').count());
        // Every rule is scoped: no bare `.hl-` selector at the start of a line.
        assert!(!out.lines().any(|line| line.starts_with(".hl-")));
    }

    #[test]
    fn a_chosen_theme_takes_its_palette_and_scheme() {
        let css = palettes_css("--pl-bg: #fff;", "--pl-bg: #000; --pl-fg: #eee;");
        assert_eq!(
            css,
            ":root[data-theme=\"light\"] { --pl-bg: #fff; color-scheme: light; }\n\
             :root[data-theme=\"dark\"] { --pl-bg: #000; --pl-fg: #eee; color-scheme: dark; }\n"
        );
    }

    /// The UI reads chat.css's palettes from a top-level `:root` rule and a
    /// `:root` rule in its dark `@media` block.
    #[test]
    fn chat_css_has_the_palettes_the_ui_reads() {
        let css = chat_core::style::APP_STYLESHEET;
        assert!(css.contains("\n:root {\n"));
        let dark = css
            .split_once("@media (prefers-color-scheme: dark) {")
            .map(|(_, rest)| rest.trim_start());
        assert!(
            dark.is_some_and(|rest| rest.starts_with(":root {")),
            "the dark palette moved"
        );
    }

    #[test]
    fn other_stylesheets_are_kept() {
        assert_eq!(themed_highlight_css(".x {}"), ".x {}");
    }
}
