//! What covers the chat view: the one open dialog, a question to confirm on
//! top of it, and the error banner. Every way in and out is an action, so
//! the shortcuts, the buttons and the dialogs' own closing agree.

use yew::{AttrValue, Callback};

use super::reducible;
use crate::types::ShareServerMode;

/// Which dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Share,
    Shares,
    Import,
    /// Settings; from Share's ways out, at the share server with this mode
    /// chosen.
    Settings {
        share_mode: Option<ShareServerMode>,
    },
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
    DismissBanner,
}

impl Overlays {
    /// A dialog has the keyboard: the global shortcuts leave it alone.
    pub fn dialog_open(&self) -> bool {
        self.overlay != Overlay::None || self.confirm.is_some()
    }

    pub fn apply(&mut self, action: OverlayAction) {
        match action {
            OverlayAction::Open(overlay) => self.overlay = overlay,
            OverlayAction::Close => self.overlay = Overlay::None,
            OverlayAction::Ask(confirmation) => self.confirm = Some(confirmation),
            OverlayAction::Answered => self.confirm = None,
            OverlayAction::Report(message) => self.banner = Some(message),
            OverlayAction::DismissBanner => self.banner = None,
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
        ui.apply(OverlayAction::Open(Overlay::Settings {
            share_mode: Some(ShareServerMode::default()),
        }));
        assert_eq!(
            ui.overlay,
            Overlay::Settings {
                share_mode: Some(ShareServerMode::default())
            }
        );
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
}
