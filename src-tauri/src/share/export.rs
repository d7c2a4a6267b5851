//! Sharing without a server: the conversation as one self-contained HTML
//! file, or as Markdown on the clipboard. Both go through the same redaction
//! and validation as publishing, and the file is the very page a
//! share-server renders (the same renderer, escaping and sanitising), with
//! its stylesheet inlined and a policy that runs nothing and loads nothing.

use std::path::{Path, PathBuf};

use chat_core::ShareSnapshot;
use chrono::{DateTime, Utc};
use share_server::page::ExportView;

use super::{ShareError, ShareOptions, prepared_snapshot};
use crate::app::AppCore;
use crate::redact::Redactions;

pub use contract::{CopiedMarkdown, SavedFile};

/// The session redacted and checked as publishing would, as of now, with
/// what was redacted and that moment.
async fn prepared_now(
    core: &AppCore,
    session_id: &str,
    options: &ShareOptions,
) -> Result<(ShareSnapshot, Redactions, DateTime<Utc>), ShareError> {
    let now = Utc::now();
    let (snapshot, redactions) = prepared_snapshot(core, None, session_id, options, now).await?;
    Ok((snapshot, redactions, now))
}

/// The page of `snapshot` as one file, "shared" at `now`.
pub fn standalone_html(snapshot: &ShareSnapshot, now: DateTime<Utc>) -> String {
    share_server::page::render_standalone(&ExportView::new(snapshot, now))
}

/// Writes the session as a self-contained HTML file into `dir` (made if
/// needed) under a name from its title (the server's download name) that
/// does not overwrite anything.
pub async fn save_html_file(
    core: &AppCore,
    dir: &Path,
    session_id: &str,
    options: &ShareOptions,
) -> Result<SavedFile, ShareError> {
    let (snapshot, redactions, now) = prepared_now(core, session_id, options).await?;
    let html = standalone_html(&snapshot, now);
    std::fs::create_dir_all(dir).map_err(|source| ShareError::Folder {
        dir: dir.to_owned(),
        source,
    })?;
    let path = free_path(
        dir,
        &share_server::page::export_file_stem(&snapshot),
        "html",
    );
    if let Err(source) = std::fs::write(&path, html) {
        return Err(ShareError::File { path, source });
    }
    Ok(SavedFile {
        path: path.display().to_string(),
        redacted_summary: redactions.summary(),
    })
}

/// The session as the Markdown a share-server's `.md` download gives.
pub async fn markdown(
    core: &AppCore,
    session_id: &str,
    options: &ShareOptions,
) -> Result<MarkdownExport, ShareError> {
    let (snapshot, redactions, now) = prepared_now(core, session_id, options).await?;
    Ok(MarkdownExport {
        markdown: share_server::page::render_markdown_document(&ExportView::new(&snapshot, now)),
        copied: CopiedMarkdown {
            redacted_summary: redactions.summary(),
        },
    })
}

/// The Markdown of a conversation, and what the UI is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownExport {
    pub markdown: String,
    pub copied: CopiedMarkdown,
}

/// `dir/stem.ext`, or `dir/stem (2).ext` … when that exists.
fn free_path(dir: &Path, stem: &str, extension: &str) -> PathBuf {
    let mut path = dir.join(format!("{stem}.{extension}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stem} ({n}).{extension}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let first = free_path(dir.path(), "Chat", "html");
        std::fs::write(&first, "1").unwrap();
        let second = free_path(dir.path(), "Chat", "html");
        assert_eq!(second, dir.path().join("Chat (2).html"));
        std::fs::write(&second, "2").unwrap();
        assert_eq!(
            free_path(dir.path(), "Chat", "html"),
            dir.path().join("Chat (3).html")
        );
    }
}
