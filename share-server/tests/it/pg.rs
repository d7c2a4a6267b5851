//! A PostgreSQL for the tests: the server at `PARLOR_TEST_POSTGRES_URL` when
//! it is set (a superuser URL; each test creates and drops its own
//! database there), otherwise one throwaway cluster per test binary.
//!
//! The throwaway cluster is started once per process (`initdb` into a temp
//! dir, certificates from a test CA made with `openssl`, `pg_ctl start`
//! with TLS on, on a free port with its Unix socket in that dir) and
//! each test gets a fresh `CREATE DATABASE t_<random>`. A watchdog process
//! holds the read end of a pipe whose write end only this process holds:
//! when the test binary exits — normally, by panic or killed — the pipe
//! closes and the watchdog stops the cluster (`pg_ctl stop -m immediate`)
//! and deletes the dir. Missing PostgreSQL binaries fail the tests; they are
//! never skipped.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Instant;

use share_server::ids::ShareId;
use tokio_postgres::NoTls;

/// The variable naming an existing server to test against instead.
pub const URL_VARIABLE: &str = "PARLOR_TEST_POSTGRES_URL";
/// A directory with `initdb` and `pg_ctl` to use instead of the system's.
pub const BIN_VARIABLE: &str = "PARLOR_TEST_POSTGRES_BIN";
/// Where Debian puts PostgreSQL 15 (other versions are looked for beside it).
const PREFERRED_BIN: &str = "/usr/lib/postgresql/15/bin";

enum Server {
    /// `PARLOR_TEST_POSTGRES_URL`: databases are dropped after each test.
    External {
        admin_url: String,
    },
    Local(&'static Cluster),
}

/// The throwaway cluster (TLS on, with its own CA).
pub struct Cluster {
    pub port: u16,
    dir: PathBuf,
    /// Never dropped: its pipe closes only when the process exits, which is
    /// the watchdog's signal to stop the cluster.
    _watchdog: Child,
}

static SERVER: OnceLock<Server> = OnceLock::new();
static CLUSTER: OnceLock<Cluster> = OnceLock::new();

fn server() -> &'static Server {
    SERVER.get_or_init(|| match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => Server::External {
            admin_url: url.trim().to_owned(),
        },
        _ => Server::Local(cluster()),
    })
}

/// The throwaway cluster, started on first use (also when
/// `PARLOR_TEST_POSTGRES_URL` is set, for the tests that need its CA).
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

/// A fresh, empty database for one test.
pub struct TestDatabase {
    /// `postgres://…/t_<random>` for the store.
    pub url: String,
    pub name: String,
    admin_url: String,
    /// Dropped afterwards (on an external server).
    drop_afterwards: bool,
}

impl TestDatabase {
    /// On `PARLOR_TEST_POSTGRES_URL`'s server, else on the throwaway cluster.
    pub async fn create() -> Self {
        match server() {
            Server::External { admin_url } => {
                Self::create_on(
                    admin_url.clone(),
                    |name| with_database(admin_url, name),
                    true,
                )
                .await
            }
            Server::Local(cluster) => Self::create_local_on(cluster).await,
        }
    }

    /// Always on the throwaway cluster.
    pub async fn create_local() -> Self {
        Self::create_local_on(cluster()).await
    }

    async fn create_local_on(cluster: &'static Cluster) -> Self {
        Self::create_on(cluster.url("postgres"), |name| cluster.url(name), false).await
    }

    async fn create_on(
        admin_url: String,
        url_of: impl FnOnce(&str) -> String,
        drop_afterwards: bool,
    ) -> Self {
        let name = format!(
            "t_{}",
            ShareId::generate().unwrap().as_str().to_ascii_lowercase()
        );
        let admin = connect(&admin_url).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e:?}"));
        Self {
            url: url_of(&name),
            name,
            admin_url,
            drop_afterwards,
        }
    }

    /// A plain connection to this database (to inspect the schema).
    pub async fn connect(&self) -> tokio_postgres::Client {
        connect(&self.url).await
    }

    /// The URL of the server's `postgres` database, as a superuser.
    pub fn admin_url(&self) -> String {
        self.admin_url.clone()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // The throwaway cluster goes away as a whole; on a real server, drop
        // what the test created (on a thread: this may run inside a runtime).
        if self.drop_afterwards {
            let admin_url = self.admin_url.clone();
            let name = self.name.clone();
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    let admin = connect(&admin_url).await;
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                });
            })
            .join();
        }
    }
}

/// Connects and drives the connection on the current runtime.
pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL: {e:?}"));
    tokio::spawn(connection);
    client
}

/// `url` with its database replaced by `name` (query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let authority_start = rest.rfind('@').map_or(0, |at| at + 1);
    let authority_end = rest[authority_start..]
        .find(['/', '?'])
        .map_or(rest.len(), |i| authority_start + i);
    let query = rest[authority_end..]
        .find('?')
        .map_or("", |i| &rest[authority_end + i..]);
    format!("{scheme}://{}/{name}{query}", &rest[..authority_end])
}

impl Cluster {
    /// Over TCP to 127.0.0.1, without `sslmode`: libpq's default, `prefer`.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// The CA that signed the server's certificate (for `DNS:localhost` only).
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// A CA that signed nothing the server has.
    pub fn other_ca_cert(&self) -> PathBuf {
        self.dir.join("other-ca.crt")
    }

    fn start() -> Self {
        let started = Instant::now();
        let bin = find_binaries();
        let as_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        // initdb refuses to run as root: the cluster belongs to `postgres`.
        let run_as: &[&str] = if as_root {
            &["runuser", "-u", "postgres", "--"]
        } else {
            &[]
        };
        let dir = tempfile::Builder::new()
            .prefix("parlor-pg-")
            .tempdir()
            .unwrap()
            .keep();
        if as_root {
            run(Command::new("chown").arg("postgres:postgres").arg(&dir)).unwrap();
        }
        // The watchdog first, so that no failure below leaves a cluster behind.
        let mut watchdog = spawn_watchdog(run_as, &bin, &dir);
        match init_and_start(run_as, &bin, &dir) {
            Ok(port) => {
                eprintln!(
                    "pg harness: PostgreSQL cluster on 127.0.0.1:{port} in {} started in {:.2?}",
                    dir.display(),
                    started.elapsed()
                );
                Self {
                    port,
                    dir,
                    _watchdog: watchdog,
                }
            }
            Err(error) => {
                // Let the watchdog clean up before failing.
                drop(watchdog.stdin.take());
                let _ = watchdog.wait();
                panic!("{error}");
            }
        }
    }
}

/// `initdb`, then `pg_ctl start` on a free port (three tries: another
/// process may take the port between our probe and the server's bind).
fn init_and_start(run_as: &[&str], bin: &Path, dir: &Path) -> Result<u16, String> {
    let data = dir.join("data");
    run(command(run_as, &bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"])
        .args(["--no-sync", "--no-instructions"]))?;
    make_certificates(run_as, dir)?;
    let mut last_error = String::new();
    for _ in 0..3 {
        let port = free_port();
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c ssl=on -c ssl_cert_file={cert} -c ssl_key_file={key}",
            dir.display(),
            cert = dir.join("server.crt").display(),
            key = dir.join("server.key").display(),
        );
        let output = command(run_as, &bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(dir.join("log"))
            .args(["-w", "-t", "60", "start"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if output.status.success() {
            return Ok(port);
        }
        last_error = format!(
            "{}{}\nserver log:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        );
    }
    Err(format!("pg_ctl start failed three times: {last_error}"))
}

/// A CA, a server certificate from it for `DNS:localhost` (not for
/// 127.0.0.1, so `verify-full` to the IP fails as it should), and an
/// unrelated CA — with the `openssl` tool, as the cluster's owner (the key
/// must belong to the server's user).
fn make_certificates(run_as: &[&str], dir: &Path) -> Result<(), String> {
    let path = |name: &str| dir.join(name).display().to_string();
    let openssl = |args: &[&str]| {
        run(command(run_as, Path::new("openssl")).args(args)).map_err(|e| {
            format!("{e}\n(the test cluster's TLS certificates need the `openssl` tool: apt-get install openssl)")
        })
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    for (name, subject) in [("ca", "/CN=parlor test CA"), ("other-ca", "/CN=other CA")] {
        let (key, cert) = (path(&format!("{name}.key")), path(&format!("{name}.crt")));
        openssl(
            &[
                &["req", "-x509", "-days", "2", "-subj", subject],
                &ec[..],
                &["-keyout", &key, "-out", &cert],
            ]
            .concat(),
        )?;
    }
    std::fs::write(dir.join("san.ext"), "subjectAltName = DNS:localhost\n")
        .map_err(|e| format!("san.ext: {e}"))?;
    let (key, csr, cert) = (path("server.key"), path("server.csr"), path("server.crt"));
    openssl(
        &[
            &["req", "-subj", "/CN=localhost"],
            &ec[..],
            &["-keyout", &key, "-out", &csr],
        ]
        .concat(),
    )?;
    openssl(&[
        "x509",
        "-req",
        "-in",
        &csr,
        "-CA",
        &path("ca.crt"),
        "-CAkey",
        &path("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &path("san.ext"),
        "-out",
        &cert,
    ])
}

/// `$PARLOR_TEST_POSTGRES_BIN` if set, else `/usr/lib/postgresql/15/bin`,
/// else the newest `/usr/lib/postgresql/*/bin` with `initdb` and `pg_ctl`;
/// panics naming the package to install.
fn find_binaries() -> PathBuf {
    let usable = |bin: &Path| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file();
    let mut found: Vec<(u32, PathBuf)> = match std::env::var_os(BIN_VARIABLE) {
        Some(bin) => vec![(0, PathBuf::from(bin))],
        None => std::iter::once((u32::MAX, PathBuf::from(PREFERRED_BIN)))
            .chain(
                std::fs::read_dir("/usr/lib/postgresql")
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|entry| {
                        let version = entry.file_name().to_str()?.parse().ok()?;
                        Some((version, entry.path().join("bin")))
                    }),
            )
            .collect(),
    };
    found.retain(|(_, bin)| usable(bin));
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "the PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl) in \
             {PREFERRED_BIN}: install the `postgresql` apt package (`apt-get install postgresql`, \
             or `cargo xtask setup`), or set {URL_VARIABLE} to a superuser URL of a running server"
        ),
    }
}

fn command(run_as: &[&str], program: &Path) -> Command {
    let mut command = match run_as.split_first() {
        Some((first, rest)) => {
            let mut command = Command::new(first);
            command.args(rest).arg(program);
            command
        }
        None => Command::new(program),
    };
    command.stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A shell that waits for its stdin to close (this process exiting), then
/// stops the cluster and removes its dir. In its own process group, and
/// ignoring SIGINT/SIGTERM/SIGHUP, so a Ctrl-C of `cargo test` still ends
/// in the cleanup.
fn spawn_watchdog(run_as: &[&str], bin: &Path, dir: &Path) -> Child {
    const SCRIPT: &str = r#"trap '' INT TERM HUP
cat > /dev/null
if [ -f "$DIR/data/postmaster.pid" ]; then
    $RUN_AS "$BIN/pg_ctl" -D "$DIR/data" stop -m immediate -w > /dev/null 2>&1
fi
rm -rf "$DIR"
"#;
    Command::new("sh")
        .args(["-c", SCRIPT])
        .env("RUN_AS", run_as.join(" "))
        .env("BIN", bin)
        .env("DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[cfg(test)]
mod harness_tests {
    use super::with_database;

    #[test]
    fn database_names_are_swapped_in_urls() {
        for (url, expected) in [
            (
                "postgres://u:p@h:5432/postgres",
                "postgres://u:p@h:5432/t_x",
            ),
            ("postgres://u@h", "postgres://u@h/t_x"),
            (
                "postgresql://u:p/w@h/db?sslmode=disable",
                "postgresql://u:p/w@h/t_x?sslmode=disable",
            ),
            ("postgres://h?x=1", "postgres://h/t_x?x=1"),
        ] {
            assert_eq!(with_database(url, "t_x"), expected, "{url}");
        }
    }
}
