//! The redaction pass run on every snapshot before it leaves the machine:
//! API-key-like strings, bearer tokens, the secret values actually stored in
//! the keyring, the user's home path and user name.

use std::sync::LazyLock;

use chat_core::ShareSnapshot;
use chat_core::attachment::{Attachment, Kind};
use regex::{Captures, Regex};
use serde_json::Value;

/// What a removed secret is replaced with.
pub const SECRET_MARK: &str = "[REDACTED]";
/// What the user's name is replaced with.
pub const USER_MARK: &str = "[user]";

/// Secret formats of common providers. `regex` is built without Unicode
/// case folding here, hence the spelled-out `[Bb]earer`.
static SECRET_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // Anthropic, OpenAI (sk-proj-, sk-svcacct-), OpenRouter (sk-or-v1-), DeepSeek …
        r"\bsk-[A-Za-z0-9_\-]{12,}",
        // Groq, xAI, Google, AWS, GitHub, Hugging Face, Slack, GitLab, Stripe.
        r"\bgsk_[A-Za-z0-9]{20,}",
        r"\bxai-[A-Za-z0-9]{20,}",
        r"\bAIza[0-9A-Za-z_\-]{35}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bgh[pousr]_[A-Za-z0-9]{30,}",
        r"\bgithub_pat_[A-Za-z0-9_]{30,}",
        r"\bhf_[A-Za-z0-9]{30,}",
        r"\bxox[abposr]-[A-Za-z0-9\-]{10,}",
        r"\bglpat-[A-Za-z0-9_\-]{20,}",
        r"\b[rs]k_live_[A-Za-z0-9]{16,}",
        // PEM private keys, whole.
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
    ]
    .iter()
    .filter_map(|pattern| Regex::new(pattern).ok())
    .collect()
});

/// `Bearer <token>` keeps the word, loses the token.
static BEARER: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b([Bb]earer|BEARER)(\s+)[A-Za-z0-9\-._~+/]{8,}=*").ok());

/// `api_key = "…"`, `"apiKey": "…"`, `token: …` keep the name, lose the value.
static ASSIGNED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"\b((?:[Aa][Pp][Ii][_\-]?[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd])["']?\s*[:=]\s*["']?)([A-Za-z0-9_\-./+=]{12,})"#,
    )
    .ok()
});

/// Home folders of any user, on the three desktop systems.
static USER_DIRS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(/home/|/Users/|[A-Za-z]:\\Users\\|[A-Za-z]:/Users/)([^/\\\s]+)").ok()
});

/// User names too common as words to replace outside paths.
const COMMON_NAMES: &[&str] = &[
    "root", "admin", "user", "users", "guest", "test", "dev", "ubuntu", "debian", "pi", "home",
    "default", "owner", "parlor",
];

/// What a redaction pass removed, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Redactions {
    /// API keys, tokens, passwords and private keys.
    pub secrets: usize,
    /// Paths into a home folder.
    pub home_paths: usize,
    /// The user's login name outside paths.
    pub user_names: usize,
}

impl Redactions {
    pub fn total(&self) -> usize {
        self.secrets + self.home_paths + self.user_names
    }

    /// "1 API key or token, 2 home-directory paths"; `None` when nothing was removed.
    pub fn summary(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.secrets, "API key or token", "API keys or tokens"),
            (
                self.home_paths,
                "home-directory path",
                "home-directory paths",
            ),
            (self.user_names, "user name", "user names"),
        ]
        .into_iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|(count, one, many)| format!("{count} {}", if count == 1 { one } else { many }))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

impl std::ops::AddAssign for Redactions {
    fn add_assign(&mut self, other: Self) {
        self.secrets += other.secrets;
        self.home_paths += other.home_paths;
        self.user_names += other.user_names;
    }
}

/// Removes secrets and personal paths from text.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Secret values from the keyring, longest first.
    known_secrets: Vec<String>,
    home: Option<String>,
    user_name: Option<Regex>,
}

impl Redactor {
    /// `known_secrets`: the values stored in the keyring; `home`: the
    /// user's home folder; `user`: the login name.
    pub fn new(known_secrets: Vec<String>, home: Option<String>, user: Option<String>) -> Self {
        let mut known_secrets: Vec<String> = known_secrets
            .into_iter()
            .map(|s| s.trim().to_owned())
            // Very short values would redact ordinary words.
            .filter(|s| s.chars().count() >= 6)
            .collect();
        known_secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        known_secrets.dedup();
        let home = home
            .map(|h| h.trim_end_matches(['/', '\\']).to_owned())
            .filter(|h| h.len() > 1);
        let user_name = user
            .filter(|u| {
                u.chars().count() >= 3 && !COMMON_NAMES.contains(&u.to_lowercase().as_str())
            })
            .and_then(|u| Regex::new(&format!(r"\b{}\b", regex::escape(&u))).ok());
        Self {
            known_secrets,
            home,
            user_name,
        }
    }

    /// A redactor for this machine's user: home from `$HOME`, name from
    /// `$USER` / `$LOGNAME` / `$USERNAME`.
    pub fn for_current_user(known_secrets: Vec<String>) -> Self {
        let home = std::env::home_dir().map(|p| p.to_string_lossy().into_owned());
        let user = ["USER", "LOGNAME", "USERNAME"]
            .iter()
            .find_map(|var| std::env::var(var).ok().filter(|v| !v.is_empty()));
        Self::new(known_secrets, home, user)
    }

    /// `text` with secrets and personal paths replaced, and how many
    /// replacements of each kind were made.
    pub fn redact(&self, text: &str) -> (String, Redactions) {
        let mut found = Redactions::default();
        let mut count = 0;
        let mut out = text.to_owned();
        for secret in &self.known_secrets {
            let found = out.matches(secret.as_str()).count();
            if found > 0 {
                count += found;
                out = out.replace(secret.as_str(), SECRET_MARK);
            }
        }
        for pattern in SECRET_PATTERNS.iter() {
            out = replace_counting(pattern, &out, &mut count, |_| SECRET_MARK.to_owned());
        }
        if let Some(bearer) = BEARER.as_ref() {
            out = replace_counting(bearer, &out, &mut count, |c| {
                format!("{}{}{SECRET_MARK}", &c[1], &c[2])
            });
        }
        if let Some(assigned) = ASSIGNED.as_ref() {
            out = replace_counting(assigned, &out, &mut count, |c| {
                let masked = c[2].contains(SECRET_MARK) || c[2].starts_with('[');
                marked(c, masked, SECRET_MARK)
            });
        }
        found.secrets = count;
        count = 0;
        if let Some(home) = &self.home {
            out = replace_path_prefix(&out, home, "~", &mut count);
        }
        if let Some(dirs) = USER_DIRS.as_ref() {
            out = replace_counting(dirs, &out, &mut count, |c| {
                marked(c, &c[2] == USER_MARK, USER_MARK)
            });
        }
        found.home_paths = count;
        count = 0;
        if let Some(name) = &self.user_name {
            out = replace_counting(name, &out, &mut count, |_| USER_MARK.to_owned());
        }
        found.user_names = count;
        (out, found)
    }

    /// Redacts every free text of a snapshot in place; returns what was
    /// removed.
    pub fn redact_snapshot(&self, snapshot: &mut ShareSnapshot) -> Redactions {
        let mut count = Redactions::default();
        let mut apply = |text: &mut String| {
            let (clean, found) = self.redact(text);
            if found.total() > 0 {
                *text = clean;
                count += found;
            }
        };
        apply(&mut snapshot.title);
        for message in &mut snapshot.messages {
            apply(&mut message.content);
            if let Some(reasoning) = &mut message.reasoning {
                apply(reasoning);
            }
            for call in &mut message.tool_calls {
                apply(&mut call.arguments);
            }
            // A provider's error can quote the request; a name, an address.
            if let Some(error) = &mut message.error {
                apply(error);
            }
            if let Some(provider) = &mut message.provider {
                apply(provider);
            }
            if let Some(params) = &mut message.params {
                params
                    .other
                    .values_mut()
                    .for_each(|v| redact_json(v, &mut apply));
            }
            // A pasted config file or log is text like any other; its hash
            // and size follow what is left of it.
            for file in &mut message.attachments {
                apply(&mut file.name);
                redact_text_file(file, &mut apply);
            }
        }
        if let Some(meta) = &mut snapshot.prompt_meta {
            if let Some(system) = &mut meta.system_prompt {
                apply(system);
            }
            for value in meta.variables.values_mut() {
                apply(value);
            }
            for tool in &mut meta.tools {
                if let Some(description) = &mut tool.description {
                    apply(description);
                }
                redact_json(&mut tool.parameters, &mut apply);
            }
            meta.extra
                .values_mut()
                .for_each(|v| redact_json(v, &mut apply));
        }
        count
    }
}

fn redact_json(value: &mut Value, apply: &mut impl FnMut(&mut String)) {
    match value {
        Value::String(text) => apply(text),
        Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, apply)),
        Value::Object(map) => map.values_mut().for_each(|v| redact_json(v, apply)),
        _ => {}
    }
}

fn replace_counting(
    pattern: &Regex,
    text: &str,
    count: &mut usize,
    mut replacement: impl FnMut(&Captures<'_>) -> String,
) -> String {
    pattern
        .replace_all(text, |captures: &Captures<'_>| {
            let replaced = replacement(captures);
            if replaced != captures[0] {
                *count += 1;
            }
            replaced
        })
        .into_owned()
}

/// The match with what follows its first group replaced by `mark`, or as
/// it is when `already` (marked before, or not a value to hide).
fn marked(c: &Captures<'_>, already: bool, mark: &str) -> String {
    if already {
        c[0].to_owned()
    } else {
        format!("{}{mark}", &c[1])
    }
}

/// Replaces `prefix` where it stands as a whole path (followed by a
/// separator, the end, or a character that cannot continue a file name).
fn replace_path_prefix(text: &str, prefix: &str, with: &str, count: &mut usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let after = &rest[at + prefix.len()..];
        let whole = after
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')));
        out.push_str(&rest[..at]);
        if whole {
            out.push_str(with);
            *count += 1;
        } else {
            out.push_str(prefix);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A text file's text redacted by `apply`; other files, and text that is
/// not UTF-8, as they are.
fn redact_text_file(file: &mut Attachment, apply: &mut impl FnMut(&mut String)) {
    if file.kind() != Kind::Text {
        return;
    }
    let Some(mut text) = file.decode().ok().and_then(|b| String::from_utf8(b).ok()) else {
        return;
    };
    let original = text.clone();
    apply(&mut text);
    if text != original {
        *file = Attachment::from_bytes(&file.name, &file.media_type, text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(
            vec!["my-very-own-key-42".into()],
            Some("/home/alice".into()),
            Some("alice".into()),
        )
    }

    #[test]
    fn provider_keys_and_bearer_tokens_go() {
        let (out, count) = redactor().redact(
            "openai sk-proj-abcdefghijklmnop1234 and anthropic sk-ant-api03-ABCDEFGHIJKLMNOP_qrs \
             header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig groq gsk_abcdefghijklmnopqrstuvwx",
        );
        assert!(!out.contains("sk-proj-abc"), "{out}");
        assert!(!out.contains("sk-ant-api03"), "{out}");
        assert!(!out.contains("eyJhbGci"), "{out}");
        assert!(!out.contains("gsk_abc"), "{out}");
        assert!(out.contains("Bearer [REDACTED]"), "{out}");
        assert_eq!(count.secrets, 4);
        assert_eq!(count.summary().as_deref(), Some("4 API keys or tokens"));
    }

    #[test]
    fn stored_secret_values_go_even_without_a_known_shape() {
        let (out, count) = redactor().redact("my key is my-very-own-key-42, ok");
        assert_eq!(out, "my key is [REDACTED], ok");
        assert_eq!(count.total(), 1);
    }

    #[test]
    fn assigned_secrets_keep_their_name() {
        let (out, _) =
            redactor().redact(r#"{"api_key": "abcdef0123456789XYZ"} TOKEN=zzzzzzzzzzzzzzzzzz"#);
        assert_eq!(out, r#"{"api_key": "[REDACTED]"} TOKEN=[REDACTED]"#);
    }

    #[test]
    fn home_path_and_user_name_go() {
        let (out, count) = redactor().redact(
            "see /home/alice/projects/x.rs and /home/alice, by alice; /home/bob/y and C:\\Users\\Carol\\z; /home/alicexyz stays a word? alice2",
        );
        assert_eq!(
            out,
            "see ~/projects/x.rs and ~, by [user]; /home/[user]/y and C:\\Users\\[user]\\z; /home/[user] stays a word? alice2"
        );
        assert_eq!(
            count,
            Redactions {
                secrets: 0,
                home_paths: 5,
                user_names: 1
            }
        );
        assert_eq!(
            count.summary().as_deref(),
            Some("5 home-directory paths, 1 user name")
        );
    }

    #[test]
    fn common_user_names_are_not_replaced_as_words() {
        let redactor = Redactor::new(vec![], Some("/root".into()), Some("root".into()));
        let (out, _) = redactor.redact("the square root of /root/file, /rootfs");
        assert_eq!(out, "the square root of ~/file, /rootfs");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let text = "Ask for a task-list with skipped items: sk-short, Bearer of news.";
        assert_eq!(
            redactor().redact(text),
            (text.to_owned(), Redactions::default())
        );
        assert_eq!(Redactions::default().summary(), None);
    }
}
