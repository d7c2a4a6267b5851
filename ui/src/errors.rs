//! What a failed command means to a person: the shell's error code turned
//! into a sentence, followed by the server's own message.

use crate::ipc::IpcError;

/// A sentence for an error `code` of the shell, if it has a special meaning.
pub fn explain(code: &str, retry_after_secs: Option<u64>) -> Option<String> {
    Some(match code {
        "share_server_unreachable" => "The share server could not be reached.".to_owned(),
        "unauthorized" => {
            "The share server refused the request (unauthorized): check the token in Settings."
                .to_owned()
        }
        "too_large" => "This conversation is too large for the share server.".to_owned(),
        "rate_limited" => match retry_after_secs {
            Some(secs) => format!("Too many shares for now: try again in {secs} s."),
            None => "Too many shares for now: try again later.".to_owned(),
        },
        "invalid_snapshot" => "The share server rejected the conversation.".to_owned(),
        "gone" => "That share has expired or was revoked.".to_owned(),
        "share_server_error" => "The share server failed.".to_owned(),
        "keyring" => "The system keyring could not be used.".to_owned(),
        "unavailable" => "Parlor's desktop shell is not available.".to_owned(),
        _ => return None,
    })
}

/// `explain` then the detailed message.
pub fn describe(code: &str, message: &str, retry_after_secs: Option<u64>) -> String {
    match explain(code, retry_after_secs) {
        Some(sentence) if !message.is_empty() && message != sentence => {
            format!("{sentence} {message}")
        }
        Some(sentence) => sentence,
        None => message.to_owned(),
    }
}

/// The user closed a dialog the command opened (a save dialog): not a
/// failure to report.
pub fn is_cancelled(error: &IpcError) -> bool {
    matches!(error.code(), "cancelled" | "canceled")
}

pub fn share_error_message(error: &IpcError) -> String {
    match error {
        IpcError::Command {
            code,
            message,
            retry_after_secs,
        } => describe(code, message, *retry_after_secs),
        other => describe(other.code(), &other.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_get_a_sentence_and_keep_the_detail() {
        assert_eq!(
            describe("share_server_unreachable", "connection refused", None),
            "The share server could not be reached. connection refused"
        );
        assert_eq!(
            describe("rate_limited", "slow down", Some(30)),
            "Too many shares for now: try again in 30 s. slow down"
        );
        assert_eq!(
            describe("too_large", "", None),
            "This conversation is too large for the share server."
        );
    }

    /// The team-server checks already say what failed, in a sentence.
    #[test]
    fn connection_errors_are_shown_as_the_shell_says_them() {
        for code in [
            "invalid_url",
            "dns",
            "unreachable",
            "tls",
            "not_share_server",
            "token_refused",
            "token_required",
            "invalid_connect_code",
            "server_too_old",
        ] {
            let message = "The server answered, but it is not a Parlor share server.";
            assert_eq!(describe(code, message, None), message, "{code}");
        }
    }

    #[test]
    fn a_dismissed_dialog_is_no_failure() {
        let cancelled = IpcError::Command {
            code: "cancelled".into(),
            message: "The save dialog was closed.".into(),
            retry_after_secs: None,
        };
        assert!(is_cancelled(&cancelled));
        assert!(!is_cancelled(&IpcError::Unavailable));
    }

    #[test]
    fn other_codes_show_the_message() {
        assert_eq!(
            describe("invalid_input", "the title must not be empty", None),
            "the title must not be empty"
        );
    }
}
