//! Imports between the app's modules point only downwards: each module sits
//! on a floor and may use what is on the floors below it, never beside or
//! above. Run it with `cargo test -p parlor --lib floors`.
//!
//! A file's module is its path (`share/connection/api.rs` is
//! `share::connection::api`); it takes the floor of the longest entry below
//! that names it or a parent. Every `crate::…` path outside comments and
//! test modules counts; `super::` (a module's own parts) does not.
//!
//! Each module returns its own error, and the commands' [`AppError`] only
//! collects them: `error` sits on the floor just below `commands`, and no
//! module below names `AppError` by any path.
//!
//! [`AppError`]: crate::error::AppError

use std::path::{Path, PathBuf};

/// Bottom to top, one line per floor.
const FLOORS: &[&[&str]] = &[
    &["redact", "secrets", "store", "network", "providers"],
    &["settings", "attachments"],
    &["served_by", "share::api", "share::reach"],
    &["share::connection"],
    &["embedded::running"],
    &["app"],
    &["turns", "embedded"],
    &["share"],
    &["error"],
    &["commands"],
    &[""],
];

/// The commands layer's error, which only the floors from `commands` up name.
const BOUNDARY_ERROR: &str = "AppError";

/// The floor entry a module path belongs to, and its floor.
fn floor_of(module: &str) -> Option<(&'static str, usize)> {
    FLOORS
        .iter()
        .enumerate()
        .flat_map(|(floor, entries)| entries.iter().map(move |entry| (*entry, floor)))
        .filter(|(entry, _)| {
            entry.is_empty() || module == *entry || module.starts_with(&format!("{entry}::"))
        })
        .max_by_key(|(entry, _)| entry.len())
}

fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "tests" {
                sources(&path, out);
            }
        } else if name.ends_with(".rs")
            && !matches!(name.as_str(), "tests.rs" | "main.rs" | "floors.rs")
        {
            out.push(path);
        }
    }
}

/// The lines of `text` that are code: outside comments and test modules.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    code.lines().filter(|l| !l.trim_start().starts_with("//"))
}

/// The `crate::a::b` paths of `text`, outside comments and test modules.
fn crate_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    for line in code_lines(text) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(path.trim_end_matches(':').to_owned());
        }
    }
    paths
}

/// The imports of `files` (module, source) that do not point down.
fn upward_imports(files: &[(String, String)]) -> Vec<String> {
    let mut wrong = Vec::new();
    for (module, text) in files {
        let (entry, floor) = floor_of(module).unwrap();
        for path in crate_paths(text) {
            // Items of the crate root (`crate::run`) are no module's.
            let Some((target, target_floor)) = floor_of(&path).filter(|(t, _)| !t.is_empty())
            else {
                continue;
            };
            let inside =
                target == entry || (!entry.is_empty() && path.starts_with(&format!("{entry}::")));
            if !inside && target_floor >= floor {
                wrong.push(format!(
                    "{module} (floor {floor}) uses crate::{path} (floor {target_floor})"
                ));
            }
        }
    }
    wrong.extend(files.iter().filter_map(|(module, text)| {
        let floor = floor_of(module)?.1;
        let names_it = code_lines(text).any(|line| names_word(line, BOUNDARY_ERROR));
        (names_it && floor < error_floor()).then(|| {
            format!("{module} (floor {floor}) names {BOUNDARY_ERROR}, the commands' error")
        })
    }));
    wrong.sort();
    wrong.dedup();
    wrong
}

/// The floor of the `error` module: only the floors above it see `AppError`.
fn error_floor() -> usize {
    floor_of("error").map_or(0, |(_, floor)| floor)
}

/// Whether `line` holds `word` as a whole identifier.
fn names_word(line: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        !line[..at].chars().next_back().is_some_and(is_ident)
            && !line[at + word.len()..].chars().next().is_some_and(is_ident)
    })
}

#[test]
fn imports_point_only_downwards() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    sources(&src, &mut paths);
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|file| {
            (
                module_of(&src, file),
                std::fs::read_to_string(file).unwrap(),
            )
        })
        .collect();
    let wrong = upward_imports(&files);
    assert!(
        wrong.is_empty(),
        "imports that do not point down:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn an_import_upwards_or_sideways_is_caught() {
    let file = |module: &str, text: &str| (module.to_owned(), text.to_owned());
    let files = [
        file("settings", "use crate::store::Store;"),
        file("store", "use crate::settings::Settings;"),
        file("turns", "use crate::embedded::ensure_started;"),
        file("share::team", "use crate::share::api::API_PATH;"),
    ];
    assert_eq!(
        upward_imports(&files),
        [
            "store (floor 0) uses crate::settings::Settings (floor 1)",
            "turns (floor 6) uses crate::embedded::ensure_started (floor 6)",
        ]
    );
}

#[test]
fn only_the_commands_use_the_app_error() {
    let file = |module: &str, text: &str| (module.to_owned(), text.to_owned());
    let files = [
        file("share::list", "use crate::error::AppError;"),
        file("turns", "fn f() -> Result<(), crate::error::AppError> {}"),
        file("app", "use crate::*;\nfn open() -> Result<(), AppError> {}"),
        file(
            "embedded",
            "// AppError collects EmbeddedError\nstruct NotAppErrorLike;",
        ),
        file("commands", "use crate::error::AppError;"),
        file("", "use crate::error::AppError;"),
    ];
    assert_eq!(
        upward_imports(&files),
        [
            "app (floor 5) names AppError, the commands' error",
            "share::list (floor 7) names AppError, the commands' error",
            "share::list (floor 7) uses crate::error::AppError (floor 8)",
            "turns (floor 6) names AppError, the commands' error",
            "turns (floor 6) uses crate::error::AppError (floor 8)",
        ]
    );
}

#[test]
fn every_module_has_a_floor() {
    assert_eq!(
        floor_of("share::connection::tls"),
        Some(("share::connection", 3))
    );
    assert_eq!(floor_of("share::team"), Some(("share", 7)));
    assert_eq!(floor_of("app"), Some(("app", 5)));
    assert_eq!(floor_of("error"), Some(("error", 8)));
    assert_eq!(floor_of("commands::sharing"), Some(("commands", 9)));
    assert_eq!(
        crate_paths("use crate::a::b::{C, D};\n// crate::x\nlet y = crate::c::D;"),
        ["a::b::", "c::D"].map(|p| p.trim_end_matches(':').to_owned())
    );
}
