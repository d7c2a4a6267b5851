//! What covers the chat view: the one open dialog, a question to confirm on
//! top of it, a message's menu, and the error banner. Every way in and out
//! is an action, so the shortcuts, the buttons and the dialogs' own closing
//! agree.

use contract::error::code;
use yew::{AttrValue, Callback};

use super::reducible;
use crate::errors::share_error_message;
use crate::ipc::IpcError;
use crate::types::{AttachmentRef, Role, ShareServerMode};

/// Which dialog is open.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Share,
    Shares,
    Import,
    Settings(SettingsFocus),
    /// "Regenerate with…" for this answer.
    Regenerate(String),
    /// An attached image, large.
    Attachment(AttachmentRef),
}

/// Where Settings opens.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum SettingsFocus {
    #[default]
    Top,
    /// From Share's ways out: the share server, with this mode chosen.
    ShareServer(ShareServerMode),
    /// A message could not be sent for want of a usable provider: the
    /// providers, in view and focused.
    ProviderSetup,
}

/// A message's own menu (right-click, Shift+F10, the context-menu key),
/// where it opens on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageMenu {
    pub message_id: String,
    pub role: Role,
    /// Where it opens: `(x, y)` in the window.
    pub at: (i32, i32),
}

/// A question to confirm (revoke a share, delete a session, reset).
#[derive(Clone, PartialEq)]
pub struct Confirmation {
    pub title: AttrValue,
    pub message: AttrValue,
    pub confirm_label: AttrValue,
    pub on_confirm: Callback<()>,
}

#[derive(Clone, PartialEq, Default)]
pub struct Overlays {
    pub overlay: Overlay,
    pub confirm: Option<Confirmation>,
    pub menu: Option<MessageMenu>,
    /// The last error the user should read, until dismissed.
    pub banner: Option<String>,
}

pub enum OverlayAction {
    Open(Overlay),
    /// The open dialog closed itself (or finished its work).
    Close,
    Ask(Confirmation),
    /// The confirm dialog was answered, either way.
    Answered,
    Report(String),
    /// A command failed: a turn that found no usable provider opens
    /// provider setup, anything else is reported.
    Failed(IpcError),
    DismissBanner,
    Menu(Option<MessageMenu>),
}

impl Overlays {
    /// A dialog has the keyboard: the global shortcuts leave it alone.
    pub fn dialog_open(&self) -> bool {
        self.overlay != Overlay::None || self.confirm.is_some() || self.menu.is_some()
    }

    pub fn apply(&mut self, action: OverlayAction) {
        match action {
            OverlayAction::Open(overlay) => self.overlay = overlay,
            OverlayAction::Close => self.overlay = Overlay::None,
            OverlayAction::Ask(confirmation) => self.confirm = Some(confirmation),
            OverlayAction::Answered => self.confirm = None,
            OverlayAction::Report(message) => self.banner = Some(message),
            OverlayAction::Failed(error) if error.code() == code::PROVIDER_SETUP_NEEDED => {
                self.overlay = Overlay::Settings(SettingsFocus::ProviderSetup);
                self.banner = None;
            }
            OverlayAction::Failed(error) => self.banner = Some(share_error_message(&error)),
            OverlayAction::DismissBanner => self.banner = None,
            OverlayAction::Menu(menu) => self.menu = menu,
        }
    }
}

reducible!(Overlays, OverlayAction);

#[cfg(test)]
mod tests {
    use super::*;

    fn question() -> Confirmation {
        Confirmation {
            title: "Delete this session?".into(),
            message: "Gone.".into(),
            confirm_label: "Delete".into(),
            on_confirm: Callback::noop(),
        }
    }

    #[test]
    fn share_can_send_the_user_to_settings_at_a_mode() {
        let mut ui = Overlays::default();
        assert!(!ui.dialog_open());
        ui.apply(OverlayAction::Open(Overlay::Share));
        let at_mode = Overlay::Settings(SettingsFocus::ShareServer(ShareServerMode::default()));
        ui.apply(OverlayAction::Open(at_mode.clone()));
        assert_eq!(ui.overlay, at_mode);
        ui.apply(OverlayAction::Close);
        assert_eq!(ui.overlay, Overlay::None);
        assert!(!ui.dialog_open());
    }

    #[test]
    fn a_question_holds_the_keyboard_until_answered_and_keeps_the_dialog() {
        let mut ui = Overlays::default();
        ui.apply(OverlayAction::Open(Overlay::Shares));
        ui.apply(OverlayAction::Ask(question()));
        assert!(ui.dialog_open());
        ui.apply(OverlayAction::Answered);
        assert!(ui.confirm.is_none());
        assert_eq!(ui.overlay, Overlay::Shares);

        ui.apply(OverlayAction::Close);
        ui.apply(OverlayAction::Ask(question()));
        assert!(
            ui.dialog_open(),
            "a question alone still holds the keyboard"
        );
    }

    #[test]
    fn the_banner_shows_the_last_report_until_dismissed() {
        let mut ui = Overlays::default();
        ui.apply(OverlayAction::Report("first".into()));
        ui.apply(OverlayAction::Report("second".into()));
        assert_eq!(ui.banner.as_deref(), Some("second"));
        ui.apply(OverlayAction::Open(Overlay::Import));
        assert_eq!(
            ui.banner.as_deref(),
            Some("second"),
            "dialogs leave the banner"
        );
        ui.apply(OverlayAction::DismissBanner);
        assert!(ui.banner.is_none());
    }

    fn failed(code: &str, message: &str) -> OverlayAction {
        OverlayAction::Failed(IpcError::Command {
            code: code.into(),
            message: message.into(),
            retry_after_secs: None,
        })
    }

    /// The composer keeps the text meanwhile (`state::composer`'s tests).
    #[test]
    fn a_turn_without_a_usable_provider_opens_provider_setup() {
        let mut ui = Overlays::default();
        ui.apply(OverlayAction::Report("an older error".into()));
        ui.apply(failed(
            code::PROVIDER_SETUP_NEEDED,
            "No provider is set up.",
        ));
        assert_eq!(ui.overlay, Overlay::Settings(SettingsFocus::ProviderSetup));
        assert_eq!(ui.banner, None, "Settings says it, not the banner");

        let mut ui = Overlays::default();
        ui.apply(failed(code::PROVIDER_UNREACHABLE, "Connection refused"));
        assert_eq!(ui.overlay, Overlay::None);
        assert_eq!(
            ui.banner.as_deref(),
            Some(
                "Connection refused. Check the provider's base URL in Settings, and that its server is running."
            )
        );
    }

    #[test]
    fn a_messages_menu_holds_the_keyboard_until_closed() {
        let mut ui = Overlays::default();
        ui.apply(OverlayAction::Menu(Some(MessageMenu {
            message_id: "m1".into(),
            role: Role::User,
            at: (10, 20),
        })));
        assert!(ui.dialog_open());
        ui.apply(OverlayAction::Menu(None));
        assert!(!ui.dialog_open());
    }
}
