//! Settings → Share server as a form: the mode, the network address and
//! host name, the team server's connect code or URL and token; and what
//! saving it means (connect to the team server first when something of it
//! was typed, then the settings to save). Pure, so it is tested on the host.

use crate::state::reducible;
use crate::types::{NetworkAddress, ShareServerMode, ShareServerSettings};

/// The embedded server's address for "This computer only".
pub const LOOPBACK: &str = "127.0.0.1";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShareServerForm {
    pub mode: ShareServerMode,
    /// The chosen address for "On my network" (empty: none yet).
    pub network_ip: String,
    pub link_host: String,
    pub connect_code: String,
    pub team_url: String,
    pub team_token: String,
}

/// A team server to test or connect: a connect code, or a URL and maybe a
/// token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamInput {
    pub input: String,
    pub token: Option<String>,
}

/// What Save does with the share-server part of the settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SavePlan {
    /// Connect to the team server first (it stores the token); its answer's
    /// team URL goes into `share_server`.
    pub connect: Option<TeamInput>,
    pub share_server: ShareServerSettings,
}

/// Who can open links in each mode, said under its radio.
pub fn mode_reach(mode: ShareServerMode) -> &'static str {
    match mode {
        ShareServerMode::ThisComputer => {
            "Only you, on this computer, while Parlor is running. Nothing leaves this machine."
        }
        ShareServerMode::Network => {
            "Anyone on your network who has the link, while Parlor is running."
        }
        ShareServerMode::Team => {
            "Anyone who can reach your team's server and has the link, even when Parlor is closed."
        }
    }
}

/// The radio's id of a mode.
pub fn mode_id(mode: ShareServerMode) -> &'static str {
    match mode {
        ShareServerMode::ThisComputer => "share-mode-this",
        ShareServerMode::Network => "share-mode-network",
        ShareServerMode::Team => "share-mode-team",
    }
}

/// The network address select: `(ip, "192.168.1.20 (wlan0)")`. An address
/// chosen before and gone now is kept, marked, so the form still says what
/// is saved.
pub fn address_choices(addresses: &[NetworkAddress], chosen: &str) -> Vec<(String, String)> {
    let mut choices: Vec<(String, String)> = addresses
        .iter()
        .map(|a| (a.ip.clone(), format!("{} ({})", a.ip, a.interface)))
        .collect();
    if !chosen.is_empty() && !addresses.iter().any(|a| a.ip == chosen) {
        choices.insert(
            0,
            (chosen.to_owned(), format!("{chosen} (not available now)")),
        );
    }
    choices
}

/// A typed host name for links: none when empty; a bare host name, not a
/// URL.
pub fn link_host(typed: &str) -> Result<Option<String>, String> {
    let host = typed.trim();
    if host.is_empty() {
        return Ok(None);
    }
    if host.contains("://") || host.contains('/') || host.contains(char::is_whitespace) {
        return Err(
            "Type only the host name for links, e.g. myhost.local (no http://, no path).".into(),
        );
    }
    Ok(Some(host.to_owned()))
}

impl ShareServerForm {
    /// The form for the saved settings, with `preselect` chosen (Share's
    /// "Share on my network" / "Connect a team server").
    pub fn new(saved: &ShareServerSettings, preselect: Option<ShareServerMode>) -> Self {
        Self {
            mode: preselect.unwrap_or(saved.mode),
            network_ip: if saved.embedded_bind == LOOPBACK {
                String::new()
            } else {
                saved.embedded_bind.clone()
            },
            link_host: saved.link_host.clone().unwrap_or_default(),
            connect_code: String::new(),
            team_url: saved.team_url.clone().unwrap_or_default(),
            team_token: String::new(),
        }
    }

    /// The team server to test or connect: the connect code when one is
    /// typed, else the URL (and the token when one is typed).
    pub fn team_input(&self) -> Option<TeamInput> {
        let code = self.connect_code.trim();
        if !code.is_empty() {
            return Some(TeamInput {
                input: code.to_owned(),
                token: None,
            });
        }
        let url = self.team_url.trim().trim_end_matches('/');
        if url.is_empty() {
            return None;
        }
        let token = self.team_token.trim();
        Some(TeamInput {
            input: url.to_owned(),
            token: (!token.is_empty()).then(|| token.to_owned()),
        })
    }

    /// Something of the team server was typed (not only the saved URL).
    fn team_typed(&self, saved: &ShareServerSettings) -> bool {
        let saved_url = saved
            .team_url
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/');
        !self.connect_code.trim().is_empty()
            || !self.team_token.trim().is_empty()
            || self.team_url.trim().trim_end_matches('/') != saved_url
    }

    /// Something chosen or typed here is not what is stored: Save would
    /// change it (or refuse it).
    pub fn is_edited(&self, saved: &ShareServerSettings) -> bool {
        self.plan(saved).map_or(true, |plan| {
            plan.connect.is_some() || plan.share_server != *saved
        })
    }

    /// What Save does, or why it cannot. `saved` is what is stored now.
    pub fn plan(&self, saved: &ShareServerSettings) -> Result<SavePlan, String> {
        let mut share_server = saved.clone();
        share_server.mode = self.mode;
        let mut connect = None;
        match self.mode {
            ShareServerMode::ThisComputer => {
                share_server.embedded_bind = LOOPBACK.to_owned();
                // A host name only names a network address.
                share_server.link_host = None;
            }
            ShareServerMode::Network => {
                if self.network_ip.trim().is_empty() {
                    return Err("Choose the network address to share on.".into());
                }
                share_server.embedded_bind = self.network_ip.trim().to_owned();
                share_server.link_host = link_host(&self.link_host)?;
            }
            ShareServerMode::Team => {
                if self.team_typed(saved) {
                    connect = self.team_input();
                }
                if connect.is_none() && saved.team_url.is_none() {
                    return Err(
                        "Paste the connect code from your team server's admin, or type \
                                its URL and your token."
                            .into(),
                    );
                }
            }
        }
        Ok(SavePlan {
            connect,
            share_server,
        })
    }
}

/// An edit of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareServerEdit {
    Mode(ShareServerMode),
    NetworkIp(String),
    /// The addresses are known: the first is chosen when none is yet.
    Addresses(Vec<NetworkAddress>),
    LinkHost(String),
    ConnectCode(String),
    TeamUrl(String),
    TeamToken(String),
    /// Saved: the form starts again from what is stored.
    Reset(ShareServerForm),
}

impl ShareServerForm {
    pub fn apply(&mut self, edit: ShareServerEdit) {
        match edit {
            ShareServerEdit::Mode(mode) => self.mode = mode,
            ShareServerEdit::NetworkIp(ip) => self.network_ip = ip,
            ShareServerEdit::Addresses(addresses) => {
                if self.network_ip.is_empty()
                    && let Some(first) = addresses.first()
                {
                    self.network_ip = first.ip.clone();
                }
            }
            ShareServerEdit::LinkHost(host) => self.link_host = host,
            ShareServerEdit::ConnectCode(code) => self.connect_code = code,
            ShareServerEdit::TeamUrl(url) => self.team_url = url,
            ShareServerEdit::TeamToken(token) => self.team_token = token,
            ShareServerEdit::Reset(form) => *self = form,
        }
    }
}

reducible!(ShareServerForm, ShareServerEdit);

impl SavePlan {
    /// The settings to save once the team server is connected (its answer
    /// names the URL it stored).
    pub fn connected(mut self, team_url: Option<String>) -> ShareServerSettings {
        if team_url.is_some() {
            self.share_server.team_url = team_url;
        }
        self.share_server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is stored: `mode` on loopback, no team server yet.
    fn saved(mode: ShareServerMode) -> ShareServerSettings {
        ShareServerSettings {
            mode,
            ..ShareServerSettings::default()
        }
    }

    /// A connect code as `share-server user add` prints it; the shell reads it.
    fn code() -> String {
        chat_core::connect_code::ConnectCode {
            url: "https://share.example.com".into(),
            token: "pst_secret".into(),
        }
        .encode()
    }

    #[test]
    fn this_computer_listens_on_loopback_and_keeps_the_team_url() {
        let stored = ShareServerSettings {
            team_url: Some("https://share.example.com".into()),
            embedded_bind: "192.168.1.20".into(),
            link_host: Some("myhost.local".into()),
            ..saved(ShareServerMode::Team)
        };
        let mut form = ShareServerForm::new(&stored, None);
        assert_eq!(form.mode, ShareServerMode::Team);
        form.mode = ShareServerMode::ThisComputer;
        let plan = form.plan(&stored).unwrap();
        assert_eq!(plan.connect, None);
        assert_eq!(
            plan.share_server,
            ShareServerSettings {
                mode: ShareServerMode::ThisComputer,
                team_url: Some("https://share.example.com".into()),
                embedded_bind: LOOPBACK.into(),
                link_host: None,
            }
        );
    }

    #[test]
    fn network_takes_the_address_and_an_optional_host() {
        let stored = saved(ShareServerMode::ThisComputer);
        let mut form = ShareServerForm::new(&stored, Some(ShareServerMode::Network));
        assert_eq!(form.mode, ShareServerMode::Network);
        assert_eq!(form.network_ip, "", "loopback is no network address");
        assert!(form.plan(&stored).unwrap_err().contains("network address"));

        form.network_ip = "192.168.1.20".into();
        form.link_host = "  ".into();
        let settings = form.plan(&stored).unwrap().share_server;
        assert_eq!(settings.mode, ShareServerMode::Network);
        assert_eq!(settings.embedded_bind, "192.168.1.20");
        assert_eq!(settings.link_host, None);

        form.link_host = " myhost.local ".into();
        assert_eq!(
            form.plan(&stored)
                .unwrap()
                .share_server
                .link_host
                .as_deref(),
            Some("myhost.local")
        );
        form.link_host = "http://myhost.local/".into();
        assert!(form.plan(&stored).unwrap_err().contains("host name"));
    }

    #[test]
    fn team_connects_with_the_code_or_the_url_and_token() {
        let stored = saved(ShareServerMode::ThisComputer);
        let mut form = ShareServerForm::new(&stored, Some(ShareServerMode::Team));
        assert!(form.plan(&stored).unwrap_err().contains("connect code"));

        form.connect_code = format!("  {}\n", code());
        form.team_url = "https://ignored.example.com".into();
        let plan = form.plan(&stored).unwrap();
        assert_eq!(
            plan.connect,
            Some(TeamInput {
                input: code(),
                token: None
            })
        );
        let settings = plan.connected(Some("https://share.example.com".into()));
        assert_eq!(settings.mode, ShareServerMode::Team);
        assert_eq!(
            settings.team_url.as_deref(),
            Some("https://share.example.com")
        );
        assert_eq!(settings.embedded_bind, LOOPBACK);

        form.connect_code.clear();
        form.team_url = "https://share.example.com/".into();
        form.team_token = " pst_secret ".into();
        assert_eq!(
            form.plan(&stored).unwrap().connect,
            Some(TeamInput {
                input: "https://share.example.com".into(),
                token: Some("pst_secret".into())
            })
        );
    }

    #[test]
    fn switching_back_to_team_is_one_click() {
        let stored = ShareServerSettings {
            team_url: Some("https://share.example.com".into()),
            ..saved(ShareServerMode::ThisComputer)
        };
        let form = ShareServerForm::new(&stored, Some(ShareServerMode::Team));
        assert_eq!(form.team_url, "https://share.example.com");
        let plan = form.plan(&stored).unwrap();
        assert_eq!(plan.connect, None, "nothing typed: nothing to connect");
        assert_eq!(plan.share_server.mode, ShareServerMode::Team);
        assert_eq!(
            plan.share_server.team_url.as_deref(),
            Some("https://share.example.com")
        );
    }

    #[test]
    fn the_first_address_is_chosen_when_none_is() {
        let addresses = vec![NetworkAddress {
            interface: "wlan0".into(),
            ip: "192.168.1.20".into(),
        }];
        let mut form = ShareServerForm::default();
        form.apply(ShareServerEdit::Addresses(addresses.clone()));
        assert_eq!(form.network_ip, "192.168.1.20");
        let mut chosen = ShareServerForm {
            network_ip: "10.0.0.5".into(),
            ..ShareServerForm::default()
        };
        chosen.apply(ShareServerEdit::Addresses(addresses));
        assert_eq!(chosen.network_ip, "10.0.0.5");
    }

    #[test]
    fn addresses_read_as_ip_and_interface() {
        let addresses = vec![
            NetworkAddress {
                interface: "wlan0".into(),
                ip: "192.168.1.20".into(),
            },
            NetworkAddress {
                interface: "eth0".into(),
                ip: "10.0.0.5".into(),
            },
        ];
        assert_eq!(
            address_choices(&addresses, "10.0.0.5"),
            vec![
                ("192.168.1.20".to_owned(), "192.168.1.20 (wlan0)".to_owned()),
                ("10.0.0.5".to_owned(), "10.0.0.5 (eth0)".to_owned()),
            ]
        );
        assert_eq!(
            address_choices(&addresses[..1], "10.0.0.5")[0],
            (
                "10.0.0.5".to_owned(),
                "10.0.0.5 (not available now)".to_owned()
            )
        );
        assert!(address_choices(&[], "").is_empty());
    }

    #[test]
    fn an_edit_is_what_save_would_change() {
        let stored = saved(ShareServerMode::ThisComputer);
        let mut form = ShareServerForm::new(&stored, None);
        let addresses = vec![NetworkAddress {
            interface: "wlan0".into(),
            ip: "192.168.1.20".into(),
        }];
        form.apply(ShareServerEdit::Addresses(addresses));
        assert!(!form.is_edited(&stored), "an address offered is no edit");
        form.apply(ShareServerEdit::LinkHost("myhost.local".into()));
        assert!(
            !form.is_edited(&stored),
            "a host name is not saved for this computer"
        );
        form.apply(ShareServerEdit::Mode(ShareServerMode::Network));
        assert!(form.is_edited(&stored));
        form.apply(ShareServerEdit::Mode(ShareServerMode::Team));
        assert!(form.is_edited(&stored), "team mode without a server");

        let team = ShareServerSettings {
            team_url: Some("https://share.example.com".into()),
            ..saved(ShareServerMode::Team)
        };
        let mut form = ShareServerForm::new(&team, None);
        assert!(!form.is_edited(&team));
        form.apply(ShareServerEdit::TeamToken("pst_new".into()));
        assert!(form.is_edited(&team), "a token typed is connected on save");
        assert!(ShareServerForm::new(&stored, Some(ShareServerMode::Network)).is_edited(&stored));
    }
}
