//! The command line of the `share-server` binary and how flags, environment
//! variables (`SHARE_SERVER_<FLAG>`) and the TOML config file combine:
//! flag, then environment, then file, then default.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::config::{self, Config};
use crate::error::Error;

/// Database used by the binary when none is configured.
pub(crate) const DEFAULT_DATABASE_URL: &str = "sqlite://shares.db";
/// Address `serve` listens on when none is configured.
pub(crate) const DEFAULT_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);

#[derive(Debug, Parser)]
#[command(
    name = "share-server",
    version,
    about = "Parlor's share-server: publish chat snapshots, serve them read-only.",
    after_help = "Every flag can also be set with an environment variable SHARE_SERVER_<FLAG> \
                  (e.g. SHARE_SERVER_DATABASE_URL) or in the --config file."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Manage users and their API tokens.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Delete the shares that have expired and the files no share uses, and print how many.
    Purge(CommonArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and print their API token (the last line of stdout; shown only once).
    ///
    /// With the server's public URL (--public-url, SHARE_SERVER_PUBLIC_URL or
    /// `public_url` in --config), also print a connect code: the URL and the
    /// token in one line, to paste into Parlor → Settings → Share server.
    Add {
        /// 1–64 letters, digits, `.`, `_`, `-` or `@`.
        name: String,
        #[command(flatten)]
        common: CommonArgs,
        /// Public base URL of the server, as `serve` has it (e.g.
        /// https://share.example.com): goes into the connect code
        #[arg(long, env = "SHARE_SERVER_PUBLIC_URL", value_name = "URL")]
        public_url: Option<String>,
    },
    /// List users.
    List {
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Revoke a user's token at once (their shares stay published).
    Revoke {
        name: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

/// Flags every subcommand takes.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    /// TOML config file (flags and environment variables override it).
    #[arg(long, env = "SHARE_SERVER_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// `sqlite://PATH` (relative), `sqlite:///ABSOLUTE/PATH`, `sqlite::memory:` or
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` [default: sqlite://shares.db]
    // `hide_env_values`: `--help` must not print a password from the environment.
    #[arg(
        long,
        env = "SHARE_SERVER_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub(crate) database_url: Option<String>,
    /// Log format [default: text]
    #[arg(long, env = "SHARE_SERVER_LOG_FORMAT", value_enum)]
    pub(crate) log_format: Option<LogFormat>,
}

/// Flags of `serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "SHARE_SERVER_BIND", value_name = "ADDR")]
    pub(crate) bind: Option<SocketAddr>,
    /// Public base URL of share links, e.g. https://share.example.com [default: http://<bind>]
    #[arg(long, env = "SHARE_SERVER_PUBLIC_URL", value_name = "URL")]
    pub(crate) public_url: Option<String>,
    /// Largest request body, e.g. 8MiB [default: 34.7MiB, a snapshot with its files]
    #[arg(long, env = "SHARE_SERVER_BODY_LIMIT", value_name = "SIZE", value_parser = config::parse_size)]
    pub(crate) body_limit: Option<usize>,
    /// Longest time a request may take, e.g. 30s [default: 60s]
    #[arg(long, env = "SHARE_SERVER_REQUEST_TIMEOUT", value_name = "DURATION", value_parser = config::parse_duration)]
    pub(crate) request_timeout: Option<Duration>,
    /// Shares one client IP may publish per minute; 0 = unlimited [default: 60]
    #[arg(long, env = "SHARE_SERVER_RATE_LIMIT_IP", value_name = "PER_MINUTE")]
    pub(crate) rate_limit_ip: Option<u32>,
    /// Shares one token may publish per minute; 0 = unlimited [default: 120]
    #[arg(long, env = "SHARE_SERVER_RATE_LIMIT_TOKEN", value_name = "PER_MINUTE")]
    pub(crate) rate_limit_token: Option<u32>,
    /// Accept shares without a token [default: false]
    #[arg(long, env = "SHARE_SERVER_ALLOW_ANONYMOUS", value_name = "BOOL",
          num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub(crate) allow_anonymous: Option<bool>,
    /// Take the client IP from X-Forwarded-For (only behind a proxy that sets it) [default: false]
    #[arg(long, env = "SHARE_SERVER_TRUST_FORWARDED_FOR", value_name = "BOOL",
          num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub(crate) trust_forwarded_for: Option<bool>,
    /// Lifetime of shares that ask for none, e.g. 30d, or `never` [default: 30d]
    #[arg(long, env = "SHARE_SERVER_DEFAULT_EXPIRY", value_name = "DURATION", value_parser = parse_expiry_arg)]
    pub(crate) default_expiry: Option<Expiry>,
    /// Longest lifetime of any share, e.g. 365d, or `never` [default: 365d]
    #[arg(long, env = "SHARE_SERVER_MAX_EXPIRY", value_name = "DURATION", value_parser = parse_expiry_arg)]
    pub(crate) max_expiry: Option<Expiry>,
    /// How long a share's unlock form keeps it open in a browser, e.g. 12h [default: 12h]
    #[arg(long, env = "SHARE_SERVER_UNLOCK_TTL", value_name = "DURATION", value_parser = config::parse_duration)]
    pub(crate) unlock_ttl: Option<Duration>,
    /// Memory for rendered pages, e.g. 64MiB; 0 disables the cache [default: 64MiB]
    #[arg(long, env = "SHARE_SERVER_CACHE_SIZE", value_name = "SIZE", value_parser = config::parse_size)]
    pub(crate) cache_size: Option<usize>,
    /// Answer only requests whose Host is this name or address (port ignored);
    /// others get 421. Repeat for each; the variable takes a comma-separated
    /// list [default: any host]
    #[arg(
        long = "allowed-host",
        env = "SHARE_SERVER_ALLOWED_HOSTS",
        value_name = "HOST",
        value_delimiter = ','
    )]
    pub(crate) allowed_hosts: Vec<String>,
    /// Count the views of shares without a view limit [default: true]
    #[arg(long, env = "SHARE_SERVER_COUNT_VIEWS", value_name = "BOOL",
          num_args = 0..=1, default_missing_value = "true", value_parser = BoolishValueParser::new())]
    pub(crate) count_views: Option<bool>,
    /// How often view counts are written to the database, e.g. 5s [default: 5s]
    #[arg(long, env = "SHARE_SERVER_VIEW_FLUSH", value_name = "DURATION", value_parser = config::parse_duration)]
    pub(crate) view_flush: Option<Duration>,
}

/// An expiry setting: a duration or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expiry(pub(crate) Option<Duration>);

fn parse_expiry_arg(text: &str) -> Result<Expiry, String> {
    config::parse_expiry(text).map(Expiry)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// A size in the config file: a number of bytes or a string like `8MiB`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum Size {
    Bytes(usize),
    Text(String),
}

impl Size {
    fn resolve(&self, key: &str) -> Result<usize, Error> {
        match self {
            Size::Bytes(bytes) => Ok(*bytes),
            Size::Text(text) => config::parse_size(text).map_err(|e| file_error(key, &e)),
        }
    }
}

/// The TOML config file; every key is optional (see `share-server.example.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub(crate) bind: Option<SocketAddr>,
    pub(crate) database_url: Option<String>,
    pub(crate) public_url: Option<String>,
    pub(crate) body_limit: Option<Size>,
    pub(crate) request_timeout: Option<String>,
    pub(crate) rate_limit_ip: Option<u32>,
    pub(crate) rate_limit_token: Option<u32>,
    pub(crate) allow_anonymous: Option<bool>,
    pub(crate) trust_forwarded_for: Option<bool>,
    pub(crate) default_expiry: Option<String>,
    pub(crate) max_expiry: Option<String>,
    pub(crate) cache_size: Option<Size>,
    pub(crate) unlock_ttl: Option<String>,
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) log_format: Option<LogFormat>,
    /// As `--count-views` and `--view-flush`.
    pub(crate) count_views: Option<bool>,
    pub(crate) view_flush: Option<String>,
}

fn file_error(key: &str, message: &str) -> Error {
    Error::Config(format!("config file, `{key}`: {message}"))
}

impl FileConfig {
    pub(crate) fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }
}

/// What every subcommand resolves first.
#[derive(Debug, Clone)]
pub struct Common {
    pub database_url: String,
    pub log_format: LogFormat,
    pub(crate) file: FileConfig,
}

impl CommonArgs {
    pub fn resolve(&self) -> Result<Common, Error> {
        let file = match &self.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        Ok(Common {
            database_url: self
                .database_url
                .clone()
                .or_else(|| file.database_url.clone())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
            file,
        })
    }
}

impl ServeArgs {
    /// The server configuration: flags and environment over the file over defaults.
    pub fn resolve(&self) -> Result<(Config, LogFormat), Error> {
        let common = self.common.resolve()?;
        let file = &common.file;
        let defaults = Config::default();
        let file_duration =
            |key: &str, value: &Option<String>| -> Result<Option<Duration>, Error> {
                value
                    .as_deref()
                    .map(|text| config::parse_duration(text).map_err(|e| file_error(key, &e)))
                    .transpose()
            };
        let file_expiry = |key: &str, value: &Option<String>| -> Result<Option<Expiry>, Error> {
            value
                .as_deref()
                .map(|text| parse_expiry_arg(text).map_err(|e| file_error(key, &e)))
                .transpose()
        };
        let file_size = |key: &str, value: &Option<Size>| -> Result<Option<usize>, Error> {
            value.as_ref().map(|size| size.resolve(key)).transpose()
        };
        // The flag (or environment variable), else the file, else the default.
        macro_rules! layered {
            ($field:ident) => {
                self.$field.or(file.$field).unwrap_or(defaults.$field)
            };
            // The file's value read by `$parse`, which names the key in its
            // error: a bad one is refused even when a flag overrides it.
            ($field:ident, $parse:expr) => {
                self.$field
                    .or($parse(stringify!($field), &file.$field)?)
                    .unwrap_or(defaults.$field)
            };
        }
        let config = Config {
            bind: self.bind.or(file.bind).unwrap_or(DEFAULT_BIND),
            database_url: common.database_url.clone(),
            public_url: self.public_url.clone().or_else(|| file.public_url.clone()),
            body_limit: layered!(body_limit, file_size),
            request_timeout: layered!(request_timeout, file_duration),
            allow_anonymous: layered!(allow_anonymous),
            default_expiry: self
                .default_expiry
                .or(file_expiry("default_expiry", &file.default_expiry)?)
                .map_or(defaults.default_expiry, |Expiry(expiry)| expiry),
            max_expiry: self
                .max_expiry
                .or(file_expiry("max_expiry", &file.max_expiry)?)
                .map_or(defaults.max_expiry, |Expiry(expiry)| expiry),
            rate_limit_ip: layered!(rate_limit_ip),
            rate_limit_token: layered!(rate_limit_token),
            trust_forwarded_for: layered!(trust_forwarded_for),
            cache_size: layered!(cache_size, file_size),
            allowed_hosts: if self.allowed_hosts.is_empty() {
                file.allowed_hosts.clone().unwrap_or_default()
            } else {
                self.allowed_hosts.clone()
            },
            clock: defaults.clock,
            unlock_ttl: layered!(unlock_ttl, file_duration),
            count_views: layered!(count_views),
            view_flush: layered!(view_flush, file_duration),
        };
        Ok((config, common.log_format))
    }
}

impl Common {
    /// The server's public URL as `serve` would use it, normalized (flag or
    /// environment, then the file), or `None` when neither sets it.
    pub fn public_url(&self, flag: Option<&str>) -> Result<Option<String>, Error> {
        flag.or(self.file.public_url.as_deref())
            .map(config::normalize_public_url)
            .transpose()
    }
}

/// What `user add` prints: the token alone on the last line (scripts read
/// it from there), after the connect code when there is one.
pub fn user_added_lines(name: &str, token: &str, connect_code: Option<&str>) -> Vec<String> {
    match connect_code {
        Some(code) => vec![
            format!(
                "Created user {name}. Their connect code and API token (shown only once, store them now):"
            ),
            format!("Connect code (paste into Parlor → Settings → Share server): {code}"),
            "API token:".to_owned(),
            token.to_owned(),
        ],
        None => vec![
            format!("Created user {name}. Their API token (shown only once, store it now):"),
            token.to_owned(),
        ],
    }
}

/// Printed on stderr by `user add` when it knows no public URL.
pub const CONNECT_CODE_HINT: &str = "share-server: no connect code without the server's public URL: \
    pass --public-url https://share.example.com (or set SHARE_SERVER_PUBLIC_URL, or \
    public_url in the --config file) to also print one for Parlor → Settings → Share server.";

#[cfg(test)]
mod tests;
