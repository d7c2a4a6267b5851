use std::time::Duration;

use chrono::TimeZone;
use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;

use super::rows::is_unavailable;
use super::url::{percent_decode, take_tls_parameters};
use super::*;

#[test]
fn urls_parse_with_libpq_defaults() {
    let Connection { config, tls } =
        parse_url("postgres://alice:secret@db.example:5433/shares").unwrap();
    assert_eq!(config.get_user(), Some("alice"));
    assert_eq!(config.get_password(), Some(b"secret".as_slice()));
    assert_eq!(config.get_dbname(), Some("shares"));
    assert_eq!(config.get_ports(), [5433]);
    // libpq's default: TLS when the server offers it.
    assert_eq!(config.get_ssl_mode(), SslMode::Prefer);
    assert!(tls.is_some());
    assert_eq!(config.get_application_name(), Some("share-server"));
    assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(5)));

    let Connection { config, tls } =
        parse_url("postgresql://u@h/db?sslmode=disable&application_name=a&connect_timeout=2")
            .unwrap();
    assert_eq!(config.get_ssl_mode(), SslMode::Disable);
    assert!(tls.is_none());
    assert_eq!(config.get_application_name(), Some("a"));
    assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(2)));

    // A Unix socket directory, percent-encoded or as a parameter: no TLS.
    for url in [
        "postgres://parlor@%2Frun%2Fpostgresql/parlor",
        "postgres://parlor@/parlor?host=/run/postgresql",
    ] {
        let Connection { config, tls } = parse_url(url).unwrap();
        assert_eq!(
            config.get_hosts(),
            [tokio_postgres::config::Host::Unix("/run/postgresql".into())],
            "{url}"
        );
        assert_eq!(config.get_ssl_mode(), SslMode::Disable, "{url}");
        assert!(tls.is_none(), "{url}");
    }
}

#[test]
fn tls_modes_are_libpqs() {
    for (mode, driver_mode) in [
        ("prefer", SslMode::Prefer),
        ("require", SslMode::Require),
        ("verify-ca", SslMode::Require),
        ("verify-full", SslMode::Require),
    ] {
        let url = format!("postgres://u@h/db?connect_timeout=3&sslmode={mode}");
        let Connection { config, tls } = parse_url(&url).unwrap();
        assert_eq!(config.get_ssl_mode(), driver_mode, "{mode}");
        assert!(tls.is_some(), "{mode}");
        // The other parameters survive the removal of sslmode.
        assert_eq!(config.get_connect_timeout(), Some(&Duration::from_secs(3)));
    }
}

#[test]
fn tls_parameters_are_taken_out_of_the_url() {
    assert_eq!(
        take_tls_parameters(
            "postgres://h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20x.pem&x=1"
        ),
        (
            "postgres://h/db?x=1".to_owned(),
            Some("verify-full".to_owned()),
            Some("/etc/ca x.pem".to_owned())
        )
    );
    assert_eq!(
        take_tls_parameters("postgres://h/db?sslrootcert=ca.pem"),
        (
            "postgres://h/db".to_owned(),
            None,
            Some("ca.pem".to_owned())
        )
    );
    assert_eq!(
        take_tls_parameters("postgres://h/db"),
        ("postgres://h/db".to_owned(), None, None)
    );
    assert_eq!(percent_decode("a%2x%41%"), "a%2xA%");
}

/// The message of `url`'s refusal as an invalid URL, which must not show
/// its password (`hunter2`).
#[track_caller]
fn refused_without_the_password(url: &str) -> String {
    let Err(error) = parse_url(url) else {
        panic!("{url} accepted");
    };
    let message = error.to_string();
    assert!(matches!(error, StoreError::InvalidUrl { .. }), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    message
}

#[test]
fn bad_tls_settings_are_refused_with_a_clear_message() {
    for (url, expected) in [
        (
            "postgres://u:hunter2@h/db?sslmode=allow",
            "unknown sslmode=allow",
        ),
        (
            "postgres://u:hunter2@h/db?sslmode=bogus",
            "unknown sslmode=bogus",
        ),
        (
            "postgres://u:hunter2@h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            "cannot read sslrootcert /nonexistent/ca.pem",
        ),
    ] {
        let message = refused_without_the_password(url);
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn malformed_urls_are_refused_without_the_password() {
    for url in [
        "postgres://u:hunter2@h:notaport/db",
        "postgres://u:hunter2@h/db?bogus_option=1",
        "postgres://u:hunter2@h",
    ] {
        let message = refused_without_the_password(url);
        assert!(message.contains("postgres://u:***@h"), "{message}");
    }
    assert!(matches!(
        parse_url("mysql://u:hunter2@h/db"),
        Err(StoreError::UnsupportedUrl(url)) if url == "mysql://u:***@h/db"
    ));
}

#[test]
fn timestamps_are_truncated_to_milliseconds() {
    let at = Utc.timestamp_nanos(1_700_000_000_123_456_789);
    assert_eq!(
        millis(at).unwrap(),
        Utc.timestamp_millis_opt(1_700_000_000_123).unwrap()
    );
}

#[test]
fn sqlstates_that_mean_unavailable() {
    for code in ["08006", "08001", "53300", "57P01", "57P03"] {
        assert!(is_unavailable(&SqlState::from_code(code)), "{code}");
    }
    for code in ["23505", "42P01", "22001"] {
        assert!(!is_unavailable(&SqlState::from_code(code)), "{code}");
    }
}
