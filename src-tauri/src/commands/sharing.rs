//! The commands of Share: publish, export, list, revoke, import, and the
//! share server's place and connection.

use super::*;

/// The options given, or those of the last share.
fn options_or_last(core: &AppCore, options: Option<c::ShareOptions>) -> Result<c::ShareOptions> {
    match options {
        Some(options) => Ok(options),
        None => Ok(share::last_options(core)?),
    }
}

/// Puts a published link on the clipboard. The share exists either way: on
/// failure the dialog still shows the link to copy.
fn copy_link(app: &AppHandle, result: c::ShareResult) -> c::ShareResult {
    if let Err(e) = app.clipboard().write_text(result.share_url.clone()) {
        tracing::warn!("could not copy the link: {e}");
    }
    result
}

commands! {
    /// Publishes the session (with the last options when none are given),
    /// copies the link to the clipboard, returns it with who can open it.
    /// With `replaces`, the share just made with other options is revoked
    /// after.
    async fn share_session(app, core, ShareSession { session_id, options, replaces }) => {
        let options = options_or_last(&core, options)?;
        let target = share::current_target(&core).await?;
        let replaces = replaces.as_deref();
        let result = share::share_session(&core, &target, &session_id, &options, replaces).await?;
        Ok(copy_link(&app, result))
    };
    /// Publishes the session as a new version of an existing link (the same
    /// URL, which stays on the clipboard).
    async fn update_share(app, core, UpdateShare { session_id, share_id, options }) => {
        let options = options_or_last(&core, options)?;
        let target = share::current_target(&core).await?;
        let result = share::update_share(&core, &target, &session_id, &share_id, &options).await?;
        Ok(copy_link(&app, result))
    };
    /// The link Share would update instead of making a new one.
    async fn shared_before(core, SharedBefore { session_id }) => {
        let target = share::current_target(&core).await?;
        Ok(share::shared_before(&core, &target, &session_id)?)
    };
    /// The files a share of the session with these options (the last ones
    /// when none are given) would publish, before any is left out.
    fn share_attachments(core, ShareAttachments { session_id, options }) => {
        let options = options_or_last(&core, options)?;
        Ok(share::shared_files(&core, &session_id, &options)?)
    };
    /// The options the last share was made with.
    fn share_options(core, GetShareOptions {}) => Ok(share::last_options(&core)?);
    /// Writes the session as one self-contained HTML file into the Downloads
    /// folder (the home folder when there is none).
    async fn save_share_file(app, core, SaveShareFile { session_id, options }) => {
        let options = options_or_last(&core, options)?;
        let dir = app
            .path()
            .download_dir()
            .or_else(|_| app.path().home_dir())
            .map_err(|e| AppError::Internal(format!("no folder to save the file in: {e}")))?;
        Ok(share::export::save_html_file(&core, &dir, &session_id, &options).await?)
    };
    /// Puts the session's Markdown (as a share-server's `.md` download gives
    /// it, redacted) on the clipboard.
    async fn copy_share_markdown(app, core, CopyShareMarkdown { session_id, options }) => {
        let options = options_or_last(&core, options)?;
        let export = share::export::markdown(&core, &session_id, &options).await?;
        app.clipboard()
            .write_text(export.markdown)
            .map_err(|e| AppError::Internal(format!("could not copy: {e}")))?;
        Ok(export.copied)
    };
    async fn list_shares(core, ListShares {}) => Ok(share::list_shares(&core).await?);
    async fn revoke_share(core, RevokeShare { share_id }) =>
        Ok(share::revoke_share(&core, &share_id).await?);
    /// Opens a share's page in the system browser.
    async fn open_share(app, core, OpenShare { share_id }) => {
        let url = match core.store.share(&share_id) {
            Ok(record) => record.share_url,
            Err(_) => share::list_shares(&core)
                .await?
                .into_iter()
                .find(|item| item.share_id == share_id)
                .map(|item| item.share_url)
                .ok_or_else(|| AppError::NotFound(format!("share {share_id} is not known here")))?,
        };
        app.opener()
            .open_url(url, None::<&str>)
            .map_err(|e| AppError::Internal(format!("no browser could be opened: {e}")))
    };
    /// "Continue in Parlor": a new session from a share link.
    async fn import_share(core, ImportShare { url }) => Ok(share::import_share(&core, &url).await?);
    /// Where Share publishes now and who can open its links.
    async fn share_server_info(core, ShareServerInfo {}) => Ok(share::server_status(&core).await?);
    /// This machine's addresses another computer could reach.
    fn network_addresses(NetworkAddresses {}) => network::addresses().map_err(|e| {
        AppError::Internal(format!("the network addresses could not be read: {e}"))
    });
    /// Tests a team server (connect code, or URL and token) step by step;
    /// saves nothing.
    async fn test_share_server(core, TestShareServer { input, token }) =>
        Ok(share::team::test(&core, &input, token.as_deref()).await?);
    /// Tests a team server, then keeps its token and publishes there from now
    /// on; nothing changes when a check fails.
    async fn connect_team_server(core, ConnectTeamServer { input, token }) => {
        share::team::connect(&core, &input, token.as_deref()).await?;
        settings_view(&core).await
    };
}

/// Shows a saved file in the system's file manager.
#[tauri::command(async)]
pub fn reveal_file(app: AppHandle, args: c::RevealFile) -> Reply<c::RevealFile> {
    let c::RevealFile { path } = args;
    app.opener()
        .reveal_item_in_dir(&path)
        .map_err(|e| AppError::Internal(format!("could not open the folder: {e}")))
}

#[tauri::command(async)]
pub fn copy_text(app: AppHandle, args: c::CopyText) -> Reply<c::CopyText> {
    let c::CopyText { text } = args;
    app.clipboard()
        .write_text(text)
        .map_err(|e| AppError::Internal(format!("could not copy: {e}")))
}
