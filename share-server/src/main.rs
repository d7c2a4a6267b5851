//! The `share-server` binary: parses the command line, sets up logging, and
//! either serves (with graceful shutdown on Ctrl-C and SIGTERM) or runs an
//! admin command.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use share_server::cli::{self, Cli, Command, LogFormat, UserCommand};
use share_server::{Error, build_state, purge, serve, store, users};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("share-server: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve(args) => {
            let (config, log_format) = args.resolve()?;
            init_tracing(log_format);
            let listener = TcpListener::bind(config.bind).await?;
            let addr = listener.local_addr()?;
            let state = build_state(&config, addr).await?;
            tracing::info!(
                address = %addr,
                public_url = %state.public_url(),
                "share-server listening on http://{addr}"
            );
            serve(listener, state, shutdown_signal()).await?;
            tracing::info!("share-server stopped");
            Ok(())
        }
        Command::User { command } => match command {
            UserCommand::Add {
                name,
                common,
                public_url,
            } => {
                let common = common.resolve()?;
                // Before creating anyone: a bad URL must not cost the token.
                let public_url = common.public_url(public_url.as_deref())?;
                init_tracing(common.log_format);
                let store = store::open(&common.database_url).await?;
                let token = users::add_user(store.as_ref(), &name).await?;
                let code = public_url.map(|url| users::connect_code(&url, &token));
                if code.is_none() {
                    eprintln!("{}", cli::CONNECT_CODE_HINT);
                }
                let lines = cli::user_added_lines(&name, &token, code.as_deref());
                output(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            }
            UserCommand::List { common } => {
                let common = common.resolve()?;
                init_tracing(common.log_format);
                let store = store::open(&common.database_url).await?;
                let users = users::list_users(store.as_ref()).await?;
                let mut lines = vec![format!("{:<32} {:<8} {}", "NAME", "STATUS", "CREATED")];
                lines.extend(users.iter().map(|user| {
                    let status = if user.is_active() {
                        "active"
                    } else {
                        "revoked"
                    };
                    format!(
                        "{:<32} {status:<8} {}",
                        user.name,
                        user.created_at.to_rfc3339()
                    )
                }));
                output(&lines.iter().map(String::as_str).collect::<Vec<_>>())
            }
            UserCommand::Revoke { name, common } => {
                let common = common.resolve()?;
                init_tracing(common.log_format);
                let store = store::open(&common.database_url).await?;
                users::revoke_user(store.as_ref(), &name).await?;
                output(&[&format!("Revoked the token of user {name}.")])
            }
        },
        Command::Purge(common) => {
            let common = common.resolve()?;
            init_tracing(common.log_format);
            let store = store::open(&common.database_url).await?;
            let purged = purge(store.as_ref(), chrono::Utc::now()).await?;
            output(&[&format!(
                "Purged {} expired shares, {} burnt shares (view limit reached) and {} unused files.",
                purged.shares, purged.burnt, purged.files
            )])
        }
    }
}

fn output(lines: &[&str]) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        writeln!(stdout, "{line}")?;
    }
    stdout.flush()?;
    Ok(())
}

/// Logs go to stderr, so stdout carries only command output (the token of
/// `user add` is its last line).
fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
