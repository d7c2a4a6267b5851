//! What a failed command means to a person: the shell's message, then the
//! contract's advice for its code (said once, never by both sides).

use crate::ipc::IpcError;

use contract::error::code;
pub use contract::error::describe;

/// The user closed a dialog the command opened (a save dialog): not a
/// failure to report.
pub fn is_cancelled(error: &IpcError) -> bool {
    error.code() == code::CANCELLED
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
    fn a_refused_token_is_explained_once() {
        let error = IpcError::Command {
            code: code::UNAUTHORIZED.into(),
            message: "The share server refused the token (401): bad token".into(),
            retry_after_secs: None,
        };
        assert_eq!(
            share_error_message(&error),
            "The share server refused the token (401): bad token. Check the token in Settings."
        );
        let rate = IpcError::Command {
            code: code::RATE_LIMITED.into(),
            message: "The share server is rate limiting: slow down".into(),
            retry_after_secs: Some(30),
        };
        assert_eq!(
            share_error_message(&rate),
            "The share server is rate limiting: slow down. Try again in 30 s."
        );
    }

    /// The team-server checks already say what failed, in a sentence.
    #[test]
    fn connection_errors_are_shown_as_the_shell_says_them() {
        for code in [
            code::INVALID_URL,
            code::DNS,
            code::UNREACHABLE,
            code::TLS,
            code::NOT_SHARE_SERVER,
            code::TOKEN_REFUSED,
            code::TOKEN_REQUIRED,
            code::INVALID_CONNECT_CODE,
            code::SERVER_TOO_OLD,
        ] {
            let message = "The server answered, but it is not a Parlor share server.";
            assert_eq!(describe(code, message, None), message, "{code}");
        }
    }

    #[test]
    fn a_dismissed_dialog_is_no_failure() {
        let cancelled = IpcError::Command {
            code: code::CANCELLED.into(),
            message: "The save dialog was closed.".into(),
            retry_after_secs: None,
        };
        assert!(is_cancelled(&cancelled));
        assert!(!is_cancelled(&IpcError::Unavailable));
    }
}
