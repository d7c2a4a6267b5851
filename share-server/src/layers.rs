//! The module floors of this crate, and a test that imports only point
//! down them. A module may use what is on a lower floor, never what is on
//! its own or a higher one; the crate root (`lib.rs`) sits above them all.
//! Run with `cargo test -p share-server --lib layers`.
//!
//! The check reads the sources: every `crate::<module>` path outside
//! comments and test code (test modules may use fixtures from anywhere).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bottom floor first, one line per floor.
const FLOORS: &[&str] = &[
    "clock ids page",                      // no imports from the crate
    "store",                               // the database, over the ids
    "error",                               // one error enum, over store errors
    "config hosts cache",                  // configuration, host allowlist, rendered bodies
    "settings rate_limit respond metrics", // what the domain and the handlers read
    "users info protect", // domain: accounts, what the server says of itself, passwords
    "shares",             // domain: publish, read, list, revoke
    "delivery views versions", // serving shares through the cache, counting views, versions
    "files",              // the files of shares, gated as the page is
    "extract assets",     // request extractors, static bodies
    "state",              // the state every handler draws from
    "routes",             // handlers
    "openapi",            // the document generated from the handlers
    "server cli",         // the HTTP loop, the command line
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS
        .iter()
        .position(|floor| floor.split_whitespace().any(|name| name == module))
}

/// `src/routes/shares.rs` → `routes`; `src/lib.rs` and `src/main.rs` → `None`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(module, "lib" | "main")).then(|| module.to_owned())
}

fn is_test_file(file: &Path) -> bool {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem == "tests"
        || stem == "fixtures"
        || stem == "layers"
        || stem.starts_with("tests_")
        || stem.ends_with("_tests")
        || stem == "proptests"
}

/// The code of a file without comments and without its `#[cfg(test)]`
/// modules (the code after such a module is kept).
fn code_of(text: &str) -> String {
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    // Open braces of the test module being skipped, once its `{` is seen.
    let mut skipping: Option<usize> = None;
    while let Some(line) = lines.next() {
        let line = line.split("//").next().unwrap_or("");
        if let Some(depth) = skipping.as_mut() {
            for c in line.chars() {
                match c {
                    '{' => *depth += 1,
                    '}' => *depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            if *depth == 0 {
                skipping = None;
            }
            continue;
        }
        if line.trim_start().starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod ") && next.contains('{'))
        {
            skipping = Some(0);
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// Whether `code`, in a file `depth` modules below the crate root
/// (`src/shares.rs`: 1, `src/store/sqlite/rows.rs`: 3), names an item of
/// the root through `super::` paths.
fn reaches_the_root(code: &str, depth: usize) -> bool {
    code.match_indices("super::").any(|(at, _)| {
        let starts_path = code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
        let climbs = code[at..]
            .split("::")
            .take_while(|segment| *segment == "super")
            .count();
        starts_path && climbs >= depth
    })
}

/// How many modules below the crate root a file's module is.
fn depth_of(src: &Path, file: &Path) -> usize {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let components = relative.components().count();
    let is_mod_file = relative.file_name().is_some_and(|name| name == "mod.rs");
    components - usize::from(is_mod_file)
}

/// The top-level modules named by `crate::` paths, including each item of
/// a `crate::{a::X, b}` group.
fn imported_modules(code: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut modules = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for c in group.chars().scan(0usize, |i, c| {
                *i += c.len_utf8();
                Some((*i - c.len_utf8(), c))
            }) {
                let (i, c) = c;
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        modules.push(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            modules.push(ident(rest));
        }
    }
    modules.retain(|m| !m.is_empty());
    modules
}

/// The modules `code` (in `module`, on `floor`) imports from its own floor
/// or above.
fn upward_imports(module: &str, floor: usize, code: &str) -> Vec<String> {
    imported_modules(code)
        .into_iter()
        .filter(|imported| imported != module)
        .filter(|imported| floor_of(imported).is_none_or(|below| below >= floor))
        .collect()
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn imports_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = BTreeMap::new();
    let mut unplaced = Vec::new();
    for file in files.iter().filter(|f| !is_test_file(f)) {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(floor) = floor_of(&module) else {
            unplaced.push(module);
            continue;
        };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let mut upward = upward_imports(&module, floor, &code);
        if reaches_the_root(&code, depth_of(&src, file)) {
            upward.push("super:: up to the crate root".to_owned());
        }
        if !upward.is_empty() {
            let file = file.strip_prefix(&src).unwrap().display().to_string();
            violations.insert(file, upward);
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "modules missing from FLOORS in layers.rs: {unplaced:?}"
    );
    assert!(
        violations.is_empty(),
        "imports that do not point down the floors in layers.rs (file → modules on its own floor or above): {violations:#?}"
    );
}

#[test]
fn groups_and_paths_are_read() {
    let code = "use crate::{cache::{A, B}, error::Error};\nlet x = crate::ids::ShareId::parse(s);";
    assert_eq!(imported_modules(code), ["cache", "error", "ids"]);
    assert_eq!(
        code_of("use a; // crate::state\n#[cfg(test)]\nmod tests {\n use crate::x;\n}"),
        "use a; \n"
    );
    let after_the_tests = "#[cfg(test)]\nmod tests {\n fn f() {\n }\n}\nuse crate::state::X;";
    assert_eq!(code_of(after_the_tests), "use crate::state::X;\n");
}

#[test]
fn super_paths_up_to_the_root_are_caught() {
    let src = Path::new("src");
    assert_eq!(depth_of(src, Path::new("src/shares.rs")), 1);
    assert_eq!(depth_of(src, Path::new("src/store/mod.rs")), 1);
    assert_eq!(depth_of(src, Path::new("src/store/sqlite/rows.rs")), 3);
    assert!(reaches_the_root("use super::AppState;", 1));
    assert!(!reaches_the_root("use super::{Result, StoreError};", 2));
    assert!(reaches_the_root(
        "let x = super::super::Config::default();",
        2
    ));
    assert!(!reaches_the_root(
        "use self::super_fast::X; use a::super::b;",
        1
    ));
}

#[test]
fn upward_and_sideways_imports_are_caught() {
    let floor = |module| floor_of(module).unwrap();
    let code = "use crate::state::AppState;\nuse crate::store::Store;";
    assert_eq!(upward_imports("shares", floor("shares"), code), ["state"]);
    assert!(upward_imports("state", floor("state"), "use crate::shares::Created;").is_empty());
    let sideways = "use crate::info::ServerInfo;";
    assert_eq!(upward_imports("users", floor("users"), sideways), ["info"]);
}
