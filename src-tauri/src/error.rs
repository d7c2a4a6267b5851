//! The error of the commands layer. Each module returns its own error; this
//! one only collects them where a command hands its result to the UI, which
//! receives it as `{code, message, field?, retryAfterSecs?}`: `code` is
//! stable and machine-readable (each module's error knows its own), and
//! `message` is for a person. No secret is ever part of a message (keys
//! travel in headers; errors name the server, never the key).
//!
//! Only the commands (and the crate root) use this type: the floors check
//! refuses it anywhere below them.

use contract::error::{CommandError, code};
use serde::ser::{Serialize, Serializer};

use crate::app::CoreError;
use crate::attachments::AttachmentError;
use crate::embedded::EmbeddedError;
use crate::share::ShareError;
use crate::store::StoreError;
use crate::turns::TurnError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// What a command itself looked for and did not find.
    #[error("{0}")]
    NotFound(String),
    /// Arguments a command itself refuses.
    #[error("{0}")]
    Invalid(String),
    /// What the command layer's own calls (clipboard, opener, folders) failed at.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    Turn(#[from] TurnError),
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Models(#[from] crate::providers::models::ModelsError),
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
}

impl AppError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => code::NOT_FOUND,
            AppError::Invalid(_) => code::INVALID_INPUT,
            AppError::Internal(_) => code::INTERNAL,
            AppError::Store(e) => e.code(),
            AppError::Core(e) => e.code(),
            AppError::Turn(e) => e.code(),
            AppError::Embedded(e) => e.code(),
            AppError::Share(e) => e.code(),
            AppError::Models(e) => e.code(),
            AppError::Attachment(e) => e.code(),
        }
    }

    /// The field at fault, when a server named one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Share(e) => e.field(),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, when a server said so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::Share(e) => e.retry_after_secs(),
            _ => None,
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CommandError {
            code: self.code().to_owned(),
            message: self.to_string(),
            field: self.field().map(str::to_owned),
            retry_after_secs: self.retry_after_secs(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::ServerError;
    use crate::share::connection::ConnectionError;

    fn wire(error: impl Into<AppError>) -> serde_json::Value {
        serde_json::to_value(error.into()).unwrap()
    }

    #[test]
    fn server_errors_carry_codes_fields_and_retry_times() {
        let rate = ShareError::from(ServerError::RateLimited {
            message: "slow down".into(),
            retry_after_secs: Some(30),
        });
        let json = wire(rate);
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(json["retryAfterSecs"], 30);
        // The advice is the UI's (from the contract), said once.
        let message = json["message"].as_str().unwrap();
        let advice = contract::error::advice("rate_limited", Some(30)).unwrap();
        assert!(!message.contains("try again"), "{message}");
        assert_eq!(
            contract::error::describe("rate_limited", message, Some(30)),
            format!("The share server is rate limiting: slow down. {advice}")
        );
        let refused = AppError::from(ShareError::from(ServerError::Unauthorized {
            status: 401,
            message: "bad token".into(),
        }));
        assert!(!refused.to_string().contains("Settings"), "{refused}");
        let rejected = ShareError::from(ServerError::Rejected {
            message: "bad".into(),
            field: Some("messages[0].content".into()),
        });
        let json = wire(rejected);
        assert_eq!(json["code"], "invalid_snapshot");
        assert_eq!(json["field"], "messages[0].content");
    }

    #[test]
    fn connection_errors_reach_the_ui_as_code_and_message() {
        let error = ConnectionError::TokenRequired;
        let json = wire(ShareError::from(error.clone()));
        assert_eq!(
            json,
            serde_json::json!({"code": "token_required", "message": error.to_string()})
        );
    }

    /// Each module's error keeps the code and the sentence the UI showed
    /// when they were all one type.
    #[test]
    fn every_module_error_keeps_its_code_and_message() {
        let io = || std::io::Error::other("disk full");
        let keyring = crate::secrets::SecretError {
            account: "provider:openai".into(),
            reason: "locked".into(),
        };
        let unconfigured =
            crate::settings::SettingsError::NotFound("provider “x” is not configured".into());
        let listen_ip = [192, 168, 1, 20].into();
        let token_lost = "this share was published with a token that is no longer stored; \
                          it cannot be revoked from here";
        let empty_code = chat_core::connect_code::ConnectCodeError::Empty;
        #[rustfmt::skip]
        let cases: [(AppError, &str, &str); 20] = [
            (StoreError::NotFound { what: "session" }.into(), "not_found", "session not found"),
            (StoreError::Invalid("no title".into()).into(), "invalid_input",
                "invalid input: no title"),
            (StoreError::Poisoned.into(), "storage",
                "the database lock was poisoned by an earlier panic"),
            (CoreError::Secret(keyring).into(), "keyring",
                "the system keyring failed for provider:openai: locked"),
            (CoreError::from(unconfigured).into(), "not_found",
                "provider “x” is not configured"),
            (CoreError::DataDir { dir: "/data".into(), source: io() }.into(), "internal",
                "could not create the data folder /data: disk full"),
            (TurnError::NoModel.into(), "invalid_input", "choose a model for this session first"),
            (TurnError::EmptyMessage.into(), "invalid_input", "the message is empty"),
            (TurnError::ProviderSetupNeeded("OpenAI needs an API key".into()).into(),
                "provider_setup_needed", "OpenAI needs an API key"),
            (TurnError::CompareSize(5).into(), "invalid_input",
                "a comparison takes 2 to 4 model setups, not 5"),
            (TurnError::WrongRole("only an answer can be regenerated").into(), "invalid_input",
                "only an answer can be regenerated"),
            (TurnError::AnswerNotCreated.into(), "internal",
                "the assistant message was not created"),
            (EmbeddedError::Listen { ip: listen_ip, source: io() }.into(), "internal",
                "the embedded share server could not listen on 192.168.1.20: disk full"),
            (EmbeddedError::NoAddress(io()).into(), "internal",
                "the embedded share server has no address: disk full"),
            (ShareError::UnknownMessage("m1".into()).into(), "invalid_input",
                "message m1 is not part of this session"),
            (ShareError::NothingToShare.into(), "invalid_input", "there is no message to share"),
            (ShareError::UnknownShare("s1".into()).into(), "not_found",
                "share s1 is not known here"),
            (ShareError::TokenLost.into(), "invalid_input", token_lost),
            (ShareError::File { path: "/out/Chat.html".into(), source: io() }.into(), "internal",
                "the file /out/Chat.html could not be written: disk full"),
            (ShareError::ConnectCode(empty_code).into(), "invalid_connect_code",
                "The connect code is empty."),
        ];
        for (error, code, message) in cases {
            let json = wire(error);
            assert_eq!(json, serde_json::json!({"code": code, "message": message}));
        }
        let no_tls =
            ShareError::Embedded(EmbeddedError::Core(CoreError::HttpClient("no TLS".into())));
        assert_eq!(
            wire(no_tls),
            serde_json::json!({"code": "internal", "message": "no TLS"})
        );
        let unknown = AppError::NotFound("share s2 is not known here".into());
        assert_eq!(
            wire(unknown),
            serde_json::json!({"code": "not_found", "message": "share s2 is not known here"})
        );
    }
}
