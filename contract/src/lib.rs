//! The contract between Parlor's desktop shell (`src-tauri`) and its UI
//! (`ui`, wasm): every command with its arguments and reply, the events, the
//! error codes with their advice, the shared types and template filling.
//! Both sides import it, so nothing of the contract is written twice and a
//! change to it fails to compile wherever it is not followed.
//!
//! A command is one line of [`commands!`]: `GetSession = get_session(session_id: String) -> Session;`
//! declares the argument struct `GetSession` (camelCase on the wire), its
//! [`Command`] impl (name and reply type) and its entry in [`COMMANDS`].
//! On the wire the UI invokes `get_session` with `{ args: { sessionId } }`;
//! the shell's handler takes `args: GetSession` and returns the reply.

pub mod attachment;
pub mod error;
pub mod secret;
pub mod session;
pub mod settings;
pub mod share;
pub mod template;
pub mod turn;
#[cfg(test)]
mod wire_tests;

use chat_core::cost::ResolvedPrice;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use attachment::{AttachmentData, AttachmentRef};
pub use error::CommandError;
pub use secret::Secret;
pub use session::{
    Generation, ImportedFrom, MessagePage, MessageStatus, ModelSetup, NewMessage, SearchHit,
    Session, SessionConfig, SessionSummary, SessionTotals, StartedCompare, StartedTurn,
    StoredMessage,
};
pub use settings::{
    DiscoveredProvider, ModelInfo, ModelList, ProviderConfig, ProviderKind, ServedBy, Settings,
    SettingsView, ShareMode, ShareServerSettings,
};
pub use share::{
    ConnectionCheck, CopiedMarkdown, NetworkAddress, Reach, ReachKind, SavedFile, ServerInfo,
    ShareListItem, ShareOptions, ShareRecord, ShareResult, ShareServerStatus, ShareSource,
    ShareStatus,
};
pub use turn::{EVENTS, Event, StreamEvent, TurnEvent, TurnFinished};

/// A command of the shell: its arguments are `Self`, sent as `{ args }`.
pub trait Command: Serialize + DeserializeOwned {
    /// The name it is invoked and registered by (and its permission's).
    const NAME: &'static str;
    /// What it answers with (the shell serializes it, the UI reads it).
    type Reply;
}

/// The key the arguments travel under: each handler has one parameter, `args`.
pub const ARGS_KEY: &str = "args";

/// Declares commands: `Struct = name(arg: Type, …) -> Reply;`.
macro_rules! commands {
    ($(
        $(#[$doc:meta])*
        $ty:ident = $name:ident ( $($arg:ident : $arg_ty:ty),* $(,)? ) -> $reply:ty;
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            pub struct $ty {
                $(pub $arg: $arg_ty,)*
            }

            impl Command for $ty {
                const NAME: &'static str = stringify!($name);
                type Reply = $reply;
            }
        )*

        /// Every command's name: `build.rs` makes an `allow-<name>`
        /// permission of each, the shell registers a handler for each.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

commands! {
    // Sessions
    ListSessions = list_sessions() -> Vec<SessionSummary>;
    CreateSession = create_session(config: SessionConfig) -> Session;
    GetSession = get_session(session_id: String) -> Session;
    UpdateSession = update_session(session_id: String, config: SessionConfig) -> Session;
    RenameSession = rename_session(session_id: String, title: String) -> Session;
    DeleteSession = delete_session(session_id: String) -> ();
    DuplicateSession = duplicate_session(session_id: String, title: Option<String>) -> Session;
    SearchSessions = search_sessions(query: String, limit: Option<usize>) -> Vec<SearchHit>;
    GetSessionTotals = session_totals(session_id: String) -> SessionTotals;

    // Messages: a tree; the selected path is what is shown and sent.
    /// Pages over the selected path.
    ListMessages = list_messages(session_id: String, before: Option<i64>, after: Option<i64>, limit: Option<usize>) -> MessagePage;
    /// Appends a message after the selected path's leaf without asking the
    /// model (a tool result, a note).
    AddMessage = add_message(session_id: String, message: NewMessage) -> StoredMessage;
    /// Messages by id, on the selected path or not (an answer beside it),
    /// in the order asked; an unknown id is `not_found`.
    GetMessages = get_messages(message_ids: Vec<String>) -> Vec<StoredMessage>;
    /// Changes a message's text in place (no new branch).
    EditMessage = edit_message(message_id: String, content: String) -> StoredMessage;
    /// Makes the path go through this message (and below it, through each
    /// message's last selected child).
    SelectBranch = select_branch(message_id: String) -> ();
    /// A new session holding the selected path down to this message.
    ForkSession = fork_session(message_id: String) -> Session;
    /// Deletes a message and everything below it; answers how many went.
    DeleteBranch = delete_branch(message_id: String) -> usize;

    // Attachments: stored once by SHA-256, referred to by messages.
    /// Stores a file for the next message (`media_type: None`: from the name
    /// or the bytes); metadata is stripped from images first. Refuses types
    /// and sizes a share could not carry, naming the limit.
    AddAttachment = add_attachment(name: String, media_type: Option<String>, data: String) -> AttachmentRef;
    /// A stored file with its bytes.
    GetAttachment = get_attachment(sha256: String) -> AttachmentData;
    /// The files a share of the session would publish, with the same
    /// options (before any are left out).
    ShareAttachments = share_attachments(session_id: String, options: Option<ShareOptions>) -> Vec<AttachmentRef>;

    // Turns: progress arrives as [`TurnEvent`], the end as [`TurnFinished`].
    /// Appends the user's text, with the files added by `add_attachment`
    /// (their SHA-256s, in order), after the selected path's leaf and
    /// answers it.
    SendMessage = send_message(session_id: String, content: String, attachments: Vec<String>) -> StartedTurn;
    ContinueTurn = continue_turn(session_id: String) -> StartedTurn;
    /// A user message edited: the new text becomes a selected sibling and
    /// is answered; the old one and its continuation stay as a branch.
    ResendEdited = resend_edited(message_id: String, content: String) -> StartedTurn;
    /// Another answer to an assistant message's prompt, as its sibling
    /// (`setup: None`: the session's own).
    Regenerate = regenerate(message_id: String, setup: Option<ModelSetup>) -> StartedTurn;
    /// One prompt answered by 2–4 setups at once, each streaming on its own.
    Compare = compare(session_id: String, content: String, attachments: Vec<String>, setups: Vec<ModelSetup>) -> StartedCompare;
    /// Whether a streaming answer was stopped.
    StopTurn = stop_turn(message_id: String) -> bool;

    // Settings and secrets
    GetSettings = get_settings() -> SettingsView;
    SaveSettings = save_settings(settings: Settings) -> Settings;
    /// `None` or empty deletes the key.
    SetApiKey = set_api_key(provider_id: String, api_key: Option<String>) -> ();
    ModelPrice = model_price(provider_id: String, model: String) -> Option<ResolvedPrice>;
    GetServedBy = served_by(provider: ProviderConfig) -> ServedBy;

    // Providers' own model lists
    /// The models a configured provider lists (cached for the app's run
    /// unless `refresh`).
    ListModels = list_models(provider_id: String, refresh: bool) -> ModelList;
    /// Tries an unsaved provider entry by listing its models (`api_key:
    /// None`: the stored key of the same id).
    TestProvider = test_provider(provider: ProviderConfig, api_key: Option<String>) -> ModelList;
    /// Local model servers listening on their usual loopback ports.
    DiscoverProviders = discover_providers() -> Vec<DiscoveredProvider>;

    // Share
    /// `options: None`: those of the last share; `replaces`: a link just
    /// made with other options, revoked after this one.
    ShareSession = share_session(session_id: String, options: Option<ShareOptions>, replaces: Option<String>) -> ShareResult;
    /// Publishes the session as a new version of an existing link (same
    /// URL; it keeps its password, expiry and view limit). `options: None`:
    /// those of the last share.
    UpdateShare = update_share(session_id: String, share_id: String, options: Option<ShareOptions>) -> ShareResult;
    /// The link Share would update: the newest active link of the session
    /// on the server Share publishes to now.
    SharedBefore = shared_before(session_id: String) -> Option<ShareListItem>;
    ListShares = list_shares() -> Vec<ShareListItem>;
    RevokeShare = revoke_share(share_id: String) -> ShareRecord;
    OpenShare = open_share(share_id: String) -> ();
    ImportShare = import_share(url: String) -> Session;
    CopyText = copy_text(text: String) -> ();
    ShareServerInfo = share_server_info() -> ShareServerStatus;
    GetShareOptions = share_options() -> ShareOptions;
    SaveShareFile = save_share_file(session_id: String, options: Option<ShareOptions>) -> SavedFile;
    CopyShareMarkdown = copy_share_markdown(session_id: String, options: Option<ShareOptions>) -> CopiedMarkdown;
    RevealFile = reveal_file(path: String) -> ();
    NetworkAddresses = network_addresses() -> Vec<NetworkAddress>;
    /// `input`: a connect code, or a URL (then `token`). Saves nothing.
    TestShareServer = test_share_server(input: String, token: Option<String>) -> ConnectionCheck;
    ConnectTeamServer = connect_team_server(input: String, token: Option<String>) -> SettingsView;

    // Rendering
    RenderMarkdown = render_markdown(source: String) -> String;
    HighlightStylesheet = highlight_stylesheet() -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_unique_snake_case() {
        let mut names = COMMANDS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len());
        assert!(
            COMMANDS
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        assert_eq!(GetSession::NAME, "get_session");
    }

    #[test]
    fn arguments_are_camel_case() {
        let args = ShareSession {
            session_id: "s".into(),
            options: None,
            replaces: Some("old".into()),
        };
        assert_eq!(
            serde_json::to_value(&args).unwrap(),
            serde_json::json!({"sessionId": "s", "options": null, "replaces": "old"})
        );
        let empty: ListSessions = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty, ListSessions {});
    }
}
