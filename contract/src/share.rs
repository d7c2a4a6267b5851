//! Share as the UI sees it: the options a link is made with, the link made,
//! who can open it, the lists of links, where links go and the team-server
//! check.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Secret;
use crate::settings::ShareMode;

/// What the user chose in the Share dialog.
///
/// `password` travels from the dialog to the shell only: the shell sends it
/// to the share server in a header and forgets it. It is never saved with
/// the last used options, never in a reply, and `Debug` does not print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareOptions {
    /// Share only these messages (in session order); all when absent.
    #[serde(default)]
    pub message_ids: Option<Vec<String>>,
    /// Seconds until the link expires; never when absent (the server may cap it).
    #[serde(default)]
    pub expires_in: Option<u64>,
    /// Include the system prompt and the template variables.
    #[serde(default = "yes")]
    pub include_system_prompt: bool,
    /// Let search engines index the page.
    #[serde(default)]
    pub indexable: bool,
    /// Also publish the other answers to each prompt on the path (a
    /// comparison, regenerated answers); `false`: the selected path only.
    #[serde(default = "yes")]
    pub include_alternatives: bool,
    /// Files not to publish (their SHA-256s): the messages go without them.
    #[serde(default)]
    pub leave_out_attachments: Vec<String>,
    /// The password a reader must give to open the link; none: no password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// How many times the link can be opened (1: burn after reading);
    /// without limit when absent.
    #[serde(default)]
    pub max_views: Option<u32>,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

impl ShareOptions {
    /// These options without the password: what may be kept or shown.
    pub fn without_password(&self) -> Self {
        Self {
            password: None,
            ..self.clone()
        }
    }
}

impl Default for ShareOptions {
    fn default() -> Self {
        Self {
            message_ids: None,
            expires_in: None,
            include_system_prompt: true,
            indexable: false,
            include_alternatives: true,
            leave_out_attachments: Vec::new(),
            password: None,
            max_views: None,
        }
    }
}

/// Where a link can be opened from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReachKind {
    /// The embedded server on loopback.
    ThisComputer,
    /// The embedded server on a LAN address.
    Network,
    /// A share-server of its own.
    Team,
    /// A saved file.
    File,
    /// A kind this build does not know (sent by a newer one): shown by its
    /// sentence alone.
    #[serde(other)]
    Other,
}

impl ReachKind {
    /// The wire name, also stored with a share record (`data-reach`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReachKind::ThisComputer => "thisComputer",
            ReachKind::Network => "network",
            ReachKind::Team => "team",
            ReachKind::File => "file",
            ReachKind::Other => "other",
        }
    }

    /// A known kind from its wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::ThisComputer, Self::Network, Self::Team, Self::File]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// Where a link reaches: its kind, and the sentence that says it to a person
/// ("Only this computer can open this link, while Parlor is running.").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reach {
    pub kind: ReachKind,
    pub sentence: String,
}

/// What a share-server says about itself (`GET /api/v0/info`), for "Connected
/// to Parlor share-server 0.1.0 at …" and to offer only the expiry choices it
/// allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    /// The snapshot schema versions it accepts.
    #[serde(default)]
    pub schema_versions: Vec<u32>,
    /// The longest lifetime of a share; unlimited when absent.
    #[serde(default)]
    pub max_expiry_seconds: Option<u64>,
    /// The lifetime of a share that asks for none; never expires when absent.
    #[serde(default)]
    pub default_expiry_seconds: Option<u64>,
    #[serde(default)]
    pub allow_anonymous: bool,
    /// The base of the links it hands out (may differ from the address used
    /// to reach it, e.g. behind a reverse proxy).
    pub public_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareStatus {
    Active,
    Expired,
    Revoked,
}

impl ShareStatus {
    /// The `data-status` value (the wire name).
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::Active => "active",
            ShareStatus::Expired => "expired",
            ShareStatus::Revoked => "revoked",
        }
    }
}

/// Where the app learnt of a share: made here, or listed by the team server
/// (made with the same token on another device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareSource {
    #[default]
    Local,
    Server,
}

/// A share as My shares lists it (and "You shared this conversation before").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareListItem {
    pub share_id: String,
    pub server_url: String,
    pub share_url: String,
    pub session_id: Option<String>,
    pub title: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub status: ShareStatus,
    pub reach: Reach,
    #[serde(default)]
    pub source: ShareSource,
    /// How many times the link was opened, as its server counts (batched:
    /// a few seconds behind); `None` when the server did not say.
    #[serde(default)]
    pub views: Option<u64>,
    /// When the link was last opened, as its server counts.
    #[serde(default)]
    pub last_viewed_at: Option<DateTime<Utc>>,
    /// How many times the link can be opened in all.
    #[serde(default)]
    pub max_views: Option<u32>,
    /// How many versions the link holds (it shows the newest).
    #[serde(default = "one")]
    pub versions: u32,
    /// Opening the link takes a password.
    #[serde(default)]
    pub protected: bool,
}

/// A published share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareResult {
    pub share_id: String,
    pub share_url: String,
    #[serde(default)]
    pub delete_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// How many secrets or personal paths the redaction pass removed.
    pub redactions: usize,
    /// What it removed, by kind: "1 API key or token, 2 home-directory paths".
    #[serde(default)]
    pub redacted_summary: Option<String>,
    /// Who can open the link.
    pub reach: Reach,
    /// The link as a QR code (an SVG document), for opening it on a phone.
    pub qr_svg: String,
    /// The options the link was made with (after the server's caps),
    /// without the password.
    pub options: ShareOptions,
    /// What the server changed of what was asked (a capped expiry).
    #[serde(default)]
    pub expiry_note: Option<String>,
    /// Links made from this session before, newest first.
    #[serde(default)]
    pub earlier: Vec<ShareListItem>,
    /// The link this one replaces, revoked after this one was made.
    #[serde(default)]
    pub replaced_url: Option<String>,
    /// Which version of the link this is: 1 for a new link, more when a
    /// new version was published to an existing one.
    #[serde(default = "one")]
    pub version: u32,
}

/// A link published from this app, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareRecord {
    pub share_id: String,
    pub server_url: String,
    pub share_url: String,
    pub session_id: Option<String>,
    pub title: String,
    /// Deletes this one share (anonymous shares); never sent to the UI.
    #[serde(skip_serializing, default)]
    pub delete_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Who can open the link ([`ReachKind::as_str`]), as the mode that made
    /// it; `None` for shares recorded before it was kept.
    #[serde(default)]
    pub reach: Option<String>,
}

/// Where Share publishes now, as Settings and the Share dialog show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareServerStatus {
    pub mode: ShareMode,
    /// The server's base URL.
    pub url: String,
    pub reach: Reach,
    /// Why sharing works other than the settings ask (a network address
    /// that is gone).
    #[serde(default)]
    pub notice: Option<String>,
    /// What the server says about itself (its expiry cap).
    #[serde(default)]
    pub info: Option<ServerInfo>,
}

/// A non-loopback address of this computer the embedded server can listen on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAddress {
    pub interface: String,
    pub ip: String,
}

/// A team server that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionCheck {
    /// The server's base URL, normalized.
    pub url: String,
    pub info: ServerInfo,
    /// "Connected to Parlor share-server 0.1.0 at …; the token is accepted."
    pub message: String,
}

/// The conversation written to one self-contained HTML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub path: String,
    #[serde(default)]
    pub redacted_summary: Option<String>,
}

/// The conversation copied to the clipboard as Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CopiedMarkdown {
    #[serde(default)]
    pub redacted_summary: Option<String>,
}
