use super::*;
use clap::CommandFactory;

#[test]
fn command_line_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn help_never_shows_the_database_url_from_the_environment() {
    let mut checked = 0;
    for subcommand in Cli::command().get_subcommands() {
        let commands = std::iter::once(subcommand).chain(subcommand.get_subcommands());
        for command in commands {
            if let Some(arg) = command
                .get_arguments()
                .find(|arg| arg.get_id() == "database_url")
            {
                assert!(arg.is_hide_env_values_set(), "{}", command.get_name());
                checked += 1;
            }
        }
    }
    // serve, purge, user add, user list, user revoke
    assert_eq!(checked, 5);
}

#[test]
fn the_documented_command_lines_parse() {
    let cli = Cli::try_parse_from([
        "share-server",
        "serve",
        "--bind",
        "127.0.0.1:8080",
        "--database-url",
        "sqlite://shares.db",
        "--public-url",
        "https://share.example.com",
        "--allow-anonymous",
        "--default-expiry",
        "never",
    ])
    .unwrap();
    let Command::Serve(args) = cli.command else {
        panic!("not serve")
    };
    let (config, format) = args.resolve().unwrap();
    assert_eq!(config.bind, DEFAULT_BIND);
    assert_eq!(config.database_url, "sqlite://shares.db");
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://share.example.com")
    );
    assert!(config.allow_anonymous);
    assert_eq!(config.default_expiry, None);
    assert_eq!(format, LogFormat::Text);

    let cli = Cli::try_parse_from([
        "share-server",
        "user",
        "add",
        "alice",
        "--database-url",
        "sqlite://shares.db",
    ])
    .unwrap();
    assert!(matches!(
        cli.command,
        Command::User { command: UserCommand::Add { ref name, .. } } if name == "alice"
    ));
}

#[test]
fn allowed_hosts_repeat_on_the_command_line() {
    let cli = Cli::try_parse_from([
        "share-server",
        "serve",
        "--allowed-host",
        "localhost",
        "--allowed-host=127.0.0.1,[::1]",
    ])
    .unwrap();
    let Command::Serve(args) = cli.command else {
        panic!("not serve")
    };
    assert_eq!(
        args.resolve().unwrap().0.allowed_hosts,
        ["localhost", "127.0.0.1", "[::1]"]
    );
}

#[test]
fn user_add_takes_the_public_url_like_serve() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "public_url = \"https://from.file.example/\"\n").unwrap();
    let parse = |extra: &[&str]| {
        let mut args = vec!["share-server", "user", "add", "alice"];
        args.extend_from_slice(extra);
        let Command::User {
            command: UserCommand::Add {
                common, public_url, ..
            },
        } = Cli::try_parse_from(args).unwrap().command
        else {
            panic!("not user add")
        };
        common.resolve().unwrap().public_url(public_url.as_deref())
    };
    let file = path.to_str().unwrap();
    assert_eq!(parse(&[]).unwrap(), None);
    assert_eq!(
        parse(&["--config", file]).unwrap().as_deref(),
        Some("https://from.file.example")
    );
    assert_eq!(
        parse(&[
            "--config",
            file,
            "--public-url",
            " https://flag.example/x/ "
        ])
        .unwrap()
        .as_deref(),
        Some("https://flag.example/x")
    );
    assert!(matches!(
        parse(&["--public-url", "share.example.com"]),
        Err(Error::Config(_))
    ));
}

#[test]
fn user_add_prints_the_token_last() {
    let lines = user_added_lines("alice", "psu_x", Some("parlor1.abc"));
    assert_eq!(lines.last().map(String::as_str), Some("psu_x"));
    assert!(lines.iter().any(|l| l.ends_with(": parlor1.abc")));
    let lines = user_added_lines("alice", "psu_x", None);
    assert_eq!(lines.last().map(String::as_str), Some("psu_x"));
    assert!(!lines.iter().any(|l| l.contains("parlor1.")));
}

#[test]
fn the_example_config_file_is_valid() {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/share-server.example.toml"
    ));
    let args = ServeArgs {
        common: CommonArgs {
            config: Some(path),
            ..CommonArgs::default()
        },
        ..ServeArgs::default()
    };
    let (config, format) = args.resolve().unwrap();
    assert_eq!(
        config.public_url.as_deref(),
        Some("https://share.example.com")
    );
    assert_eq!(
        config.database_url,
        "sqlite:///var/lib/share-server/shares.db"
    );
    assert_eq!(config.body_limit, chat_core::limits::MAX_BODY_BYTES);
    assert_eq!(config.max_expiry, Some(Duration::from_secs(365 * 86_400)));
    assert_eq!(format, LogFormat::Text);
}

#[test]
fn flags_override_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        r#"
        bind = "0.0.0.0:9000"
        database_url = "sqlite:///var/lib/share-server/shares.db"
        body_limit = "1MiB"
        default_expiry = "7d"
        max_expiry = "never"
        allow_anonymous = true
        rate_limit_ip = 5
        unlock_ttl = "2h"
        log_format = "json"
        allowed_hosts = ["share.example.com", "10.0.0.5"]
        "#,
    )
    .unwrap();
    let args = ServeArgs {
        common: CommonArgs {
            config: Some(path.clone()),
            ..CommonArgs::default()
        },
        rate_limit_ip: Some(9),
        ..ServeArgs::default()
    };
    let (config, format) = args.resolve().unwrap();
    assert_eq!(config.bind.port(), 9000);
    assert_eq!(
        config.database_url,
        "sqlite:///var/lib/share-server/shares.db"
    );
    assert_eq!(config.body_limit, 1024 * 1024);
    assert_eq!(config.default_expiry, Some(Duration::from_secs(7 * 86_400)));
    assert_eq!(config.max_expiry, None);
    assert!(config.allow_anonymous);
    assert_eq!(config.rate_limit_ip, 9);
    assert_eq!(config.unlock_ttl, Duration::from_secs(2 * 3600));
    assert_eq!(format, LogFormat::Json);
    assert_eq!(config.allowed_hosts, ["share.example.com", "10.0.0.5"]);
    let args = ServeArgs {
        allowed_hosts: vec!["localhost".into()],
        ..args
    };
    assert_eq!(args.resolve().unwrap().0.allowed_hosts, ["localhost"]);

    std::fs::write(&path, "unknown_key = 1").unwrap();
    assert!(matches!(args.resolve(), Err(Error::Config(_))));
}

#[test]
fn a_bad_file_value_is_refused_even_when_a_flag_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let common = CommonArgs {
        config: Some(path.clone()),
        ..CommonArgs::default()
    };
    let args = ServeArgs {
        common,
        body_limit: Some(4096),
        unlock_ttl: Some(Duration::from_secs(60)),
        ..ServeArgs::default()
    };
    for (file, key) in [
        ("body_limit = \"lots\"", "body_limit"),
        ("unlock_ttl = \"soon\"", "unlock_ttl"),
    ] {
        std::fs::write(&path, file).unwrap();
        let Err(Error::Config(message)) = args.resolve() else {
            panic!("{file} is accepted");
        };
        assert!(message.contains(key), "{message}");
    }
    std::fs::write(&path, "body_limit = \"1KiB\"\nunlock_ttl = \"1h\"").unwrap();
    let (config, _) = args.resolve().unwrap();
    assert_eq!(config.body_limit, 4096);
    assert_eq!(config.unlock_ttl, Duration::from_secs(60));
}
