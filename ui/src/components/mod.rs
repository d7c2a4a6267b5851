//! Presentational components: props in, HTML out. The dialogs call the
//! shell themselves through [`crate::ipc`] for what only they need.

pub mod attachments;
pub mod chat_header;
pub mod compare_setups;
pub mod compare_view;
pub mod composer;
pub mod icon;
pub mod import_dialog;
pub mod markdown;
pub mod message;
pub mod message_list;
pub mod message_menu;
pub mod modal;
pub mod model_fields;
pub mod overlays;
pub mod playground;
pub mod reach;
pub mod regenerate_dialog;
pub mod settings_panel;
pub mod share_modal;
pub mod share_server_section;
pub mod shares_panel;
pub mod sidebar;
pub mod stats;
