//! The shapes the desktop shell sends and receives: the contract crate's,
//! re-exported under the names the components use.

pub use chat_core::{GenerationParams, Role, ToolCall, ToolDefinition};
/// Where links are published (the contract's `ShareMode`).
pub use contract::ShareMode as ShareServerMode;
pub use contract::{
    AttachmentRef, CopiedMarkdown, DiscoveredProvider, ImportedFrom, MessageStatus, ModelList,
    ModelSetup, NetworkAddress, NewMessage, ProviderConfig, ProviderKind, Reach, ReachKind,
    SavedFile, SearchHit, ServedBy, Session, SessionConfig, SessionSummary, SessionTotals,
    Settings, SettingsView, ShareListItem, ShareOptions, ShareResult, ShareServerSettings,
    ShareServerStatus, ShareSource, ShareStatus, StartedCompare, StartedTurn, StoredMessage,
    StreamEvent, TurnEvent, TurnFinished,
};
// Used by the tests only (so far).
#[cfg(test)]
pub use chat_core::{Totals, Usage};
#[cfg(test)]
pub use contract::Generation;
