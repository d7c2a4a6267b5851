//! The TLS step: a handshake of our own over the TCP connection the network
//! step opened, with the certificate verifier reqwest uses
//! (rustls-platform-verifier over the process's crypto provider, the ring one
//! `http_client()` installs). The same verifier means the same verdict: a
//! server that passes here is one the app can publish to, and one that fails
//! here would fail there too — but here the failure gets a name.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::DateTime;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, DistinguishedName, RootCertStore,
    SignatureScheme,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::address::ServerAddress;
use super::error::TlsProblem;

/// Checks TLS against the platform's trusted certificates.
pub(super) struct TlsCheck {
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
}

impl TlsCheck {
    /// The verifier reqwest builds for the app's client.
    pub fn platform() -> Result<Self, TlsProblem> {
        let provider = crypto_provider();
        let verifier =
            rustls_platform_verifier::Verifier::new(Arc::clone(&provider)).map_err(setup)?;
        Ok(Self {
            provider,
            verifier: Arc::new(verifier),
        })
    }

    /// The platform verifier that also trusts `roots` (tests' own authority).
    #[cfg(test)]
    pub fn platform_with_extra_roots(
        roots: Vec<CertificateDer<'static>>,
    ) -> Result<Self, TlsProblem> {
        let provider = crypto_provider();
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(roots, Arc::clone(&provider))
                .map_err(setup)?;
        Ok(Self {
            provider,
            verifier: Arc::new(verifier),
        })
    }

    /// Completes a TLS handshake on `stream` within `limit`, or names what
    /// went wrong.
    pub async fn handshake(
        &self,
        stream: TcpStream,
        address: &ServerAddress,
        limit: Duration,
    ) -> Result<(), TlsProblem> {
        let name = server_name(address)?;
        let peer = stream.peer_addr().ok();
        let recorder = Arc::new(Recorder {
            inner: Arc::clone(&self.verifier),
            end_entity: Mutex::new(None),
        });
        let mut config = ClientConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(setup)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::clone(&recorder) as Arc<dyn ServerCertVerifier>)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let connector = TlsConnector::from(Arc::new(config));
        let error = match tokio::time::timeout(limit, connector.connect(name.clone(), stream)).await
        {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(error)) => error,
            Err(_) => return Err(TlsProblem::TimedOut(limit)),
        };
        let problem = match error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
                match recorder.end_entity() {
                    Some(cert) if self.is_self_signed(&cert, &name) => TlsProblem::SelfSigned,
                    _ => TlsProblem::NotTrusted,
                }
            }
            Some(tls) => describe(tls),
            None => match error.kind() {
                io::ErrorKind::UnexpectedEof
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe => TlsProblem::Closed,
                _ => TlsProblem::Refused {
                    detail: error.to_string(),
                },
            },
        };
        // A port that does not speak TLS most often speaks plain HTTP: the
        // advice "use http://" is then certain, so the message says so.
        if let TlsProblem::NotTls { .. } | TlsProblem::Closed = problem
            && let Some(peer) = peer
            && answers_plain_http(peer, limit).await
        {
            return Err(TlsProblem::NotTls { answers_http: true });
        }
        Err(problem)
    }

    /// Whether `cert` is signed by its own key: it then verifies with itself
    /// as the only trusted root (other checks, such as the name, may still
    /// fail; an unknown issuer cannot).
    fn is_self_signed(&self, cert: &CertificateDer<'static>, name: &ServerName<'static>) -> bool {
        let mut roots = RootCertStore::empty();
        if roots.add(cert.clone()).is_err() {
            return false;
        }
        let Ok(itself) = WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            Arc::clone(&self.provider),
        )
        .build() else {
            return false;
        };
        match itself.verify_server_cert(cert, &[], name, &[], UnixTime::now()) {
            Ok(_) => true,
            Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer | CertificateError::BadSignature,
            )) => false,
            Err(rustls::Error::InvalidCertificate(_)) => true,
            Err(_) => false,
        }
    }
}

impl TlsProblem {
    /// Whether the server answered in TLS, even if the handshake then failed.
    pub(super) fn proves_tls(&self) -> bool {
        !matches!(
            self,
            TlsProblem::NotTls { .. }
                | TlsProblem::Closed
                | TlsProblem::TimedOut(_)
                | TlsProblem::Setup { .. }
        )
    }
}

/// The process's crypto provider (the app installs ring at start), as
/// reqwest picks it.
fn crypto_provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()))
}

fn setup(error: rustls::Error) -> TlsProblem {
    TlsProblem::Setup {
        detail: error.to_string(),
    }
}

fn server_name(address: &ServerAddress) -> Result<ServerName<'static>, TlsProblem> {
    match address.ip {
        Some(ip) => Ok(ServerName::IpAddress(ip.into())),
        None => ServerName::try_from(address.host.clone()).map_err(|e| TlsProblem::Setup {
            detail: format!("{} cannot be used as a TLS server name: {e}", address.host),
        }),
    }
}

/// A handshake failure other than an unknown issuer, in the user's terms.
fn describe(error: &rustls::Error) -> TlsProblem {
    match error {
        rustls::Error::InvalidCertificate(certificate) => certificate_problem(certificate),
        rustls::Error::InvalidMessage(_)
        | rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. }
        | rustls::Error::PeerSentOversizedRecord => TlsProblem::NotTls {
            answers_http: false,
        },
        rustls::Error::AlertReceived(alert) => TlsProblem::Refused {
            detail: format!("TLS alert {alert:?}"),
        },
        rustls::Error::PeerIncompatible(why) => TlsProblem::Refused {
            detail: format!("incompatible TLS: {why:?}"),
        },
        other => TlsProblem::Refused {
            detail: other.to_string(),
        },
    }
}

fn certificate_problem(error: &CertificateError) -> TlsProblem {
    match error {
        CertificateError::UnknownIssuer => TlsProblem::NotTrusted,
        CertificateError::Expired => TlsProblem::Expired { on: None },
        CertificateError::ExpiredContext { not_after, .. } => TlsProblem::Expired {
            on: date(*not_after),
        },
        CertificateError::NotValidYet => TlsProblem::NotYetValid { from: None },
        CertificateError::NotValidYetContext { not_before, .. } => TlsProblem::NotYetValid {
            from: date(*not_before),
        },
        CertificateError::NotValidForName => TlsProblem::WrongName { names: Vec::new() },
        CertificateError::NotValidForNameContext { presented, .. } => TlsProblem::WrongName {
            names: presented.iter().filter_map(|n| readable_name(n)).collect(),
        },
        CertificateError::Revoked => TlsProblem::Revoked,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            TlsProblem::NotForServers
        }
        other => TlsProblem::BadCertificate {
            detail: other.to_string(),
        },
    }
}

fn date(time: UnixTime) -> Option<DateTime<chrono::Utc>> {
    DateTime::from_timestamp(i64::try_from(time.as_secs()).ok()?, 0)
}

/// `wrong.example` from webpki's `DnsName("wrong.example")`, `10.0.0.5` from
/// `IpAddress(10.0.0.5)`; nothing for the other kinds (directory names,
/// URIs), which no one types as an address.
fn readable_name(presented: &str) -> Option<String> {
    if let Some(dns) = presented
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
    {
        return Some(dns.to_owned());
    }
    presented
        .strip_prefix("IpAddress(")
        .and_then(|rest| rest.strip_suffix(')'))
        .map(str::to_owned)
}

/// Whether `peer` answers a plain HTTP request with an HTTP status line.
async fn answers_plain_http(peer: SocketAddr, limit: Duration) -> bool {
    let probe = async {
        let mut stream = TcpStream::connect(peer).await.ok()?;
        stream.write_all(b"HEAD / HTTP/1.0\r\n\r\n").await.ok()?;
        let mut head = [0u8; 5];
        stream.read_exact(&mut head).await.ok()?;
        Some(&head == b"HTTP/")
    };
    matches!(tokio::time::timeout(limit, probe).await, Ok(Some(true)))
}

/// The platform verifier, keeping the server's certificate for a closer
/// look when it is refused.
#[derive(Debug)]
struct Recorder {
    inner: Arc<dyn ServerCertVerifier>,
    end_entity: Mutex<Option<CertificateDer<'static>>>,
}

impl Recorder {
    fn end_entity(&self) -> Option<CertificateDer<'static>> {
        self.end_entity.lock().ok().and_then(|seen| seen.clone())
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.end_entity.lock() {
            *seen = Some(end_entity.clone().into_owned());
        }
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}

#[cfg(test)]
mod tests {
    use rustls::AlertDescription;
    use rustls::pki_types::ServerName;

    use super::*;

    #[test]
    fn certificate_errors_are_named() {
        let not_after = UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000));
        let cases = [
            (CertificateError::UnknownIssuer, "not_trusted"),
            (CertificateError::Expired, "expired"),
            (
                CertificateError::ExpiredContext {
                    time: UnixTime::now(),
                    not_after,
                },
                "expired",
            ),
            (CertificateError::NotValidYet, "not_yet_valid"),
            (CertificateError::NotValidForName, "wrong_name"),
            (CertificateError::Revoked, "revoked"),
            (CertificateError::InvalidPurpose, "not_for_servers"),
            (CertificateError::BadSignature, "bad_certificate"),
        ];
        for (error, code) in cases {
            assert_eq!(certificate_problem(&error).code(), code, "{error:?}");
        }
        let expired = certificate_problem(&CertificateError::ExpiredContext {
            time: UnixTime::now(),
            not_after,
        });
        let message = super::super::ConnectionError::Tls {
            host: "share.example.com".into(),
            port: 443,
            problem: expired,
        }
        .to_string();
        assert!(
            message.contains("share.example.com has expired on 2023-11-14"),
            "{message}"
        );
    }

    #[test]
    fn the_names_a_certificate_is_for_are_shown_plainly() {
        let error = CertificateError::NotValidForNameContext {
            expected: ServerName::try_from("share.example.com").unwrap(),
            presented: vec![
                "DnsName(\"other.example\")".into(),
                "IpAddress(10.0.0.5)".into(),
                "DirectoryName".into(),
                "Unsupported(0x88)".into(),
            ],
        };
        assert_eq!(
            certificate_problem(&error),
            TlsProblem::WrongName {
                names: vec!["other.example".into(), "10.0.0.5".into()]
            }
        );
    }

    #[test]
    fn protocol_errors_are_named() {
        let not_tls = describe(&rustls::Error::InvalidMessage(
            rustls::InvalidMessage::InvalidContentType,
        ));
        assert_eq!(
            not_tls,
            TlsProblem::NotTls {
                answers_http: false
            }
        );
        assert!(!not_tls.proves_tls());
        let alert = describe(&rustls::Error::AlertReceived(
            AlertDescription::HandshakeFailure,
        ));
        assert_eq!(alert.code(), "handshake_refused");
        assert!(alert.proves_tls());
    }
}
