//! The errors commands return: their shape on the wire, the stable codes the
//! UI reads, and the one sentence of advice per code.
//!
//! The shell's message says what happened; [`advice`] says what to do about
//! it, and [`describe`] puts the two together, so no sentence is shown twice.

use serde::{Deserialize, Serialize};

/// A failed command, as the shell sends it and the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    /// Stable and machine-readable: one of [`code`].
    pub code: String,
    /// For a person; never contains a secret.
    pub message: String,
    /// The field at fault, when a server named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before trying again, when a server said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// Every error code a command can return.
pub mod code {
    pub const NOT_FOUND: &str = "not_found";
    pub const INVALID_INPUT: &str = "invalid_input";
    pub const STORAGE: &str = "storage";
    pub const KEYRING: &str = "keyring";
    pub const INTERNAL: &str = "internal";
    /// The UI runs outside the desktop app (set by the UI, never the shell).
    pub const UNAVAILABLE: &str = "unavailable";
    /// The user closed a dialog the command opened: no failure to report.
    pub const CANCELLED: &str = "cancelled";

    // Publishing, revoking and importing shares.
    pub const SHARE_SERVER_UNREACHABLE: &str = "share_server_unreachable";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const TOO_LARGE: &str = "too_large";
    pub const INVALID_SNAPSHOT: &str = "invalid_snapshot";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const GONE: &str = "gone";
    pub const SHARE_SERVER_ERROR: &str = "share_server_error";
    pub const SERVER_TOO_OLD: &str = "server_too_old";
    pub const INVALID_CONNECT_CODE: &str = "invalid_connect_code";

    // The steps of "Test connection" to a team server.
    pub const INVALID_URL: &str = "invalid_url";
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const DNS: &str = "dns";
    pub const UNREACHABLE: &str = "unreachable";
    pub const TLS: &str = "tls";
    pub const REDIRECTED: &str = "redirected";
    pub const NO_ANSWER: &str = "no_answer";
    pub const NOT_SHARE_SERVER: &str = "not_share_server";
    pub const UNKNOWN_HOST: &str = "unknown_host";
    pub const SERVER_ERROR: &str = "server_error";
    pub const INCOMPATIBLE_SERVER: &str = "incompatible_server";
    pub const TOKEN_REFUSED: &str = "token_refused";
    pub const TOKEN_REQUIRED: &str = "token_required";

    // Model providers.
    /// No usable provider for a turn (none configured, or no key for one
    /// that needs it): the UI opens provider setup.
    pub const PROVIDER_SETUP_NEEDED: &str = "provider_setup_needed";
    pub const PROVIDER_UNAUTHORIZED: &str = "provider_unauthorized";
    pub const PROVIDER_UNREACHABLE: &str = "provider_unreachable";
    pub const PROVIDER_ERROR: &str = "provider_error";
    /// The provider or model cannot take a file that is attached (a PDF
    /// to a provider without document input): nothing was sent.
    pub const PROVIDER_REFUSES_ATTACHMENT: &str = "provider_refuses_attachment";

    // Attachments.
    /// A file of a type or size Parlor does not attach.
    pub const ATTACHMENT_REFUSED: &str = "attachment_refused";
}

/// What to do about an error `code`, when there is something to do. The
/// shell's message never says it again.
pub fn advice(code: &str, retry_after_secs: Option<u64>) -> Option<String> {
    Some(match code {
        code::UNAUTHORIZED => "Check the token in Settings.".to_owned(),
        code::RATE_LIMITED => match retry_after_secs {
            Some(secs) => format!("Try again in {secs} s."),
            None => "Try again later.".to_owned(),
        },
        code::KEYRING => "Check that the system keyring is unlocked.".to_owned(),
        code::PROVIDER_SETUP_NEEDED => "Set up a provider in Settings.".to_owned(),
        code::PROVIDER_UNAUTHORIZED => "Check this provider's API key in Settings.".to_owned(),
        code::PROVIDER_UNREACHABLE => {
            "Check the provider's base URL in Settings, and that its server is running.".to_owned()
        }
        code::UNAVAILABLE => "Open Parlor's desktop app to use this.".to_owned(),
        _ => return None,
    })
}

/// The message, then the advice for its code.
pub fn describe(code: &str, message: &str, retry_after_secs: Option<u64>) -> String {
    match advice(code, retry_after_secs) {
        Some(advice) if message.is_empty() => advice,
        Some(advice) => format!("{} {advice}", with_stop(message)),
        None => message.to_owned(),
    }
}

fn with_stop(message: &str) -> String {
    let message = message.trim_end();
    if message.ends_with(['.', '!', '?']) {
        message.to_owned()
    } else {
        format!("{message}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_follows_the_message_once() {
        assert_eq!(
            describe(
                code::UNAUTHORIZED,
                "The share server refused the token (401): bad token",
                None
            ),
            "The share server refused the token (401): bad token. Check the token in Settings."
        );
        assert_eq!(
            describe(
                code::RATE_LIMITED,
                "The share server is rate limiting: slow down",
                Some(30)
            ),
            "The share server is rate limiting: slow down. Try again in 30 s."
        );
        assert_eq!(describe(code::RATE_LIMITED, "", None), "Try again later.");
    }

    #[test]
    fn codes_without_advice_show_the_message() {
        for code in [code::INVALID_INPUT, code::TLS, code::GONE, code::TOO_LARGE] {
            assert_eq!(describe(code, "It failed.", None), "It failed.", "{code}");
        }
    }

    #[test]
    fn the_wire_shape_is_camel_case_without_empty_fields() {
        let error = CommandError {
            code: code::RATE_LIMITED.into(),
            message: "slow down".into(),
            field: None,
            retry_after_secs: Some(3),
        };
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "rate_limited", "message": "slow down", "retryAfterSecs": 3})
        );
    }
}
