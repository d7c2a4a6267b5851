//! Users and their API tokens: creation (token shown once, hash stored),
//! listing, revocation and authentication.

use crate::error::Error;
use crate::ids::{Token, TokenHash, TokenKind};
use crate::store::{ShareStore, StoreError, User};

/// Longest user name, in bytes.
pub(crate) const MAX_USER_NAME_BYTES: usize = 64;

/// Creates a user and returns their new API token. The token is shown only
/// here; the store keeps its SHA-256 hash.
pub async fn add_user(store: &dyn ShareStore, name: &str) -> Result<String, Error> {
    check_name(name)?;
    let token = Token::generate(TokenKind::User)?;
    match store
        .create_user(name, token.hash(), chrono::Utc::now())
        .await
    {
        Ok(_) => Ok(token.into_string()),
        Err(StoreError::Conflict) => Err(Error::UserExists(name.to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// The connect code for a user of the server at `public_url` (normalized,
/// as the server normalizes its `--public-url`): what the app pastes to
/// reach this server with this token.
pub fn connect_code(public_url: &str, token: &str) -> String {
    chat_core::connect_code::ConnectCode {
        url: public_url.to_owned(),
        token: token.to_owned(),
    }
    .encode()
}

/// Every user, by name.
pub async fn list_users(store: &dyn ShareStore) -> Result<Vec<User>, Error> {
    Ok(store.list_users().await?)
}

/// Revokes a user's token at once; their shares stay published.
pub async fn revoke_user(store: &dyn ShareStore, name: &str) -> Result<(), Error> {
    if store.revoke_user(name, chrono::Utc::now()).await? {
        Ok(())
    } else {
        Err(Error::UnknownUser(name.to_owned()))
    }
}

/// The active user a bearer token belongs to.
///
/// The lookup goes through the index on the token's SHA-256 (so timing
/// reveals nothing about the token itself); the stored hash is then compared
/// in constant time.
pub async fn authenticate(store: &dyn ShareStore, token: &str) -> Result<User, Error> {
    if token.is_empty() || token.len() > 256 {
        return Err(Error::InvalidToken);
    }
    let presented = TokenHash::of(token);
    match store.credential(presented).await? {
        Some(credential)
            if credential.token_hash.matches(&presented) && credential.user.is_active() =>
        {
            Ok(credential.user)
        }
        _ => Err(Error::InvalidToken),
    }
}

fn check_name(name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name.len() <= MAX_USER_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidUserName(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        for good in ["alice", "bob.smith", "ci-bot_2", "a@example.com"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "with space",
            "tab\t",
            "ünïcode",
            &"x".repeat(65),
            "semi;colon",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
