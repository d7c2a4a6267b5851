//! The share-server part of the bench: page throughput against nginx and a
//! bare axum route serving the same bytes, page weight, render time in
//! Chromium, cost of growth, and publishing. Each server runs as the release
//! binary on a temporary SQLite database, exactly as an admin would run it
//! (but without the per-request log lines, as nginx runs without its access
//! log).

mod growth;
mod publishing;
mod throughput;
mod weight;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use serde_json::{Map, Value, json};

use chat_core::ShareSnapshot;

use super::report::{Report, Rows, Target, bytes, median, micros, millis, rate, ratio};
use super::wrk::{self, Load, WrkReport};
use super::{Options, gzip_best};
use crate::cmd::{self, Build, step};
use crate::support::procs::{self, Nginx, Service, ShareServer};
use crate::support::{self, fixture, publish, quantile};

/// Runs every share-server measurement and adds them to `report`.
pub fn run(options: &Options, report: &mut Report) -> Result<()> {
    let (work, binary, build_line) =
        support::private_build("share-server", Build::Release, "parlor-bench-")?;
    let (bare, bare_line) = build_bare(work.path())?;
    let mut bench = Bench {
        options,
        binary,
        bare,
        dir: work.path().to_path_buf(),
        runtime: support::runtime(1)?,
        http: reqwest::Client::new(),
        targets: &mut report.targets,
        figures: Map::new(),
    };
    bench.set("build", json!(format!("{build_line}\n{bare_line}")));
    let outcome = bench.page().and_then(|()| bench.publishing());
    let figures = Value::Object(std::mem::take(&mut bench.figures));
    report.parts.insert("server".to_owned(), figures);
    let what = "the databases, logs, page copies and nginx config";
    support::keep_if(options.keep, work, what);
    outcome
}

/// Builds the bare axum route (`share-server/examples/bare_page.rs`) in
/// release and copies it into `work`; returns the copy and the command line.
fn build_bare(work: &Path) -> Result<(PathBuf, String)> {
    let mut args: Vec<_> = "build -p share-server --release --example bare_page"
        .split_whitespace()
        .collect();
    args.extend(cmd::locked());
    cmd::run(&mut cmd::cargo(&args))?;
    let copy = work.join("bare_page");
    fs::copy(cmd::target_dir()?.join("release/examples/bare_page"), &copy)?;
    Ok((copy, format!("cargo {}", args.join(" "))))
}

struct Bench<'a> {
    options: &'a Options,
    binary: PathBuf,
    /// The bare axum route.
    bare: PathBuf,
    dir: PathBuf,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    targets: &'a mut Vec<Target>,
    /// What the server sections of BENCHMARKS.md.in show, by name.
    figures: Map<String, Value>,
}

/// A published page and what the references serve in its place.
struct Page {
    /// What the tables call it: `2 messages`, `40 messages`.
    name: &'static str,
    path: String,
    identity: Vec<u8>,
    gzip: Vec<u8>,
    /// The headers sent with `identity` and `gzip` (`name: value` lines).
    headers: [String; 2],
    text: String,
    /// The stylesheets the page links to: path and bytes.
    stylesheets: Vec<(String, Vec<u8>)>,
}

impl Bench<'_> {
    fn set(&mut self, name: &str, value: Value) {
        self.figures.insert(name.to_owned(), value);
    }

    fn start_server(&self, database: &Path) -> Result<ShareServer> {
        let url = format!("sqlite://{}", database.display());
        ShareServer::share_server(&self.binary, &url, &self.dir.join("server.log"))
    }

    // ------------------------------------------------------------ the page

    fn page(&mut self) -> Result<()> {
        let database = self.dir.join("page.db");
        let database_url = format!("sqlite://{}", database.display());
        let token = procs::add_user(&self.binary, &database_url, "bench")?;
        let serve = procs::serve_args("sqlite://WORK/page.db", "127.0.0.1:PORT");
        self.set("serve_args", json!(serve.join(" ")));
        self.set("log_level", json!(procs::SERVER_LOG_LEVEL));
        let mut server = self.start_server(&database)?;
        std::thread::sleep(Duration::from_millis(500));
        let idle = procs::memory(server.pid())?;

        let now = Utc::now();
        let short = fixture::chat("A short question", 2, 400, 5, now);
        let chats = [
            ("2 messages", short),
            ("40 messages", fixture::page_chat(now)),
        ];
        let pages = step(
            "publish the 2- and 40-message chats, save their pages",
            || {
                let [short, long] =
                    chats.map(|(name, chat)| self.publish_page(&server, &token, name, &chat));
                Ok([short?, long?])
            },
        )?;
        let long = &pages[1];
        let (www, saved) = (self.dir.join("nginx/www"), self.dir.join("bare"));
        // Chromium's floor on this machine: a trivial page, for the render times.
        write_file(&www.join(&BLANK_PAGE[1..]), BLANK_HTML.as_bytes())?;
        for (href, css) in &long.stylesheets {
            // nginx looks files up without the query string (a version tag).
            write_file(
                &www.join(href[1..].split('?').next().unwrap_or_default()),
                css,
            )?;
        }
        for page in &pages {
            let id = page.path.trim_start_matches("/shared/");
            let sent = [(&page.identity, ""), (&page.gzip, ".gz")];
            for ((body, suffix), headers) in sent.into_iter().zip(&page.headers) {
                write_file(&www.join(format!("shared/{id}{suffix}")), body)?;
                write_file(&saved.join(format!("{id}{suffix}")), body)?;
                write_file(
                    &saved.join(format!("{id}{suffix}.headers")),
                    headers.as_bytes(),
                )?;
            }
        }
        let nginx = Nginx::nginx(&self.dir.join("nginx"), self.options.cores)?;
        let bare = Service::bare(&self.bare, &saved)?;
        let conf = procs::nginx_conf(Path::new("WORK/nginx"), "PORT", self.options.cores)?;
        self.set("nginx_conf", json!(conf.trim_end()));
        self.set("page_path", json!(long.path));
        self.check_same_bytes(&[&server, &nginx, &bare], &pages)?;

        self.page_weight(long);
        self.throughput(&[&server, &nginx, &bare], &pages)?;
        self.view_counting(&server, &database, &pages[0])?;
        drop(bare);
        self.memory_section(idle, procs::memory(server.pid())?);
        self.browser(&server, &nginx, long)?;
        self.growth(&mut server, &nginx, &database, long)?;
        drop(nginx);
        server.process.stop();
        Ok(())
    }

    /// Publishes `snapshot` and saves its page as sent, plain and gzip.
    fn publish_page(
        &self,
        server: &ShareServer,
        token: &str,
        name: &'static str,
        snapshot: &ShareSnapshot,
    ) -> Result<Page> {
        let body = serde_json::to_vec(snapshot)?;
        self.runtime.block_on(async {
            let id = publish::create(&self.http, &server.url(""), token, &body).await?;
            let path = format!("/shared/{id}");
            let (identity_headers, identity) = self.fetch(&server.url(&path), None).await?;
            let (gzip_headers, gzip) = self.fetch(&server.url(&path), Some("gzip")).await?;
            let mut stylesheets = Vec::new();
            for href in stylesheet_paths(&String::from_utf8_lossy(&identity)) {
                stylesheets.push((href.clone(), self.fetch(&server.url(&href), None).await?.1));
            }
            Ok(Page {
                name,
                path,
                identity,
                gzip,
                headers: [identity_headers, gzip_headers],
                text: fixture::message_text(snapshot),
                stylesheets,
            })
        })
    }

    /// The body exactly as sent (reqwest here decompresses nothing), and the
    /// headers a server adds itself left out (length, date, framing).
    async fn fetch(&self, url: &str, encoding: Option<&str>) -> Result<(String, Vec<u8>)> {
        let mut request = self.http.get(url);
        if let Some(encoding) = encoding {
            request = request.header(ACCEPT_ENCODING, encoding);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            bail!("GET {url} answered {}", response.status());
        }
        let sent = response.headers().get(CONTENT_ENCODING);
        let sent = sent.and_then(|v| v.to_str().ok()).map(str::to_owned);
        if sent.as_deref() != encoding {
            bail!("GET {url}: asked for {encoding:?}, got Content-Encoding {sent:?}");
        }
        let headers = response.headers().iter().filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "content-length" | "date" | "transfer-encoding" | "connection"
            )
        });
        let headers = headers.map(|(name, value)| {
            format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()))
        });
        Ok((headers.collect(), response.bytes().await?.to_vec()))
    }

    /// Every server answers with the same bytes, plain and gzip.
    fn check_same_bytes(&self, servers: &[&Service], pages: &[Page]) -> Result<()> {
        self.runtime.block_on(async {
            for page in pages {
                for (encoding, expected) in [(None, &page.identity), (Some("gzip"), &page.gzip)] {
                    for server in servers {
                        let url = server.url(&page.path);
                        if &self.fetch(&url, encoding).await?.1 != expected {
                            bail!("{url} ({encoding:?}) sends other bytes than the saved page");
                        }
                    }
                }
            }
            Ok(())
        })
    }
}

/// Writes `content` to `file`, creating its folder.
fn write_file(file: &Path, content: &[u8]) -> Result<()> {
    fs::create_dir_all(file.parent().context("a file in no folder")?)?;
    Ok(fs::write(file, content)?)
}

/// The trivial page that shows how fast Chromium can get here at all.
const BLANK_PAGE: &str = "/blank.html";
const BLANK_HTML: &str = "<!doctype html><title>blank</title><p>blank</p>";

/// The `href`s of the page's `<link rel="stylesheet">` elements.
fn stylesheet_paths(html: &str) -> Vec<String> {
    let tags = html
        .split("<link")
        .skip(1)
        .filter_map(|tag| tag.split('>').next());
    let href = |tag: &str| Some(tag.split_once("href=\"")?.1.split('"').next()?.to_owned());
    tags.filter(|tag| tag.contains("stylesheet"))
        .filter_map(href)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_stylesheets() {
        let html = r#"<head><link rel="icon" href="/x.png"><link rel="stylesheet" href="/assets/share.css?v=1"></head>"#;
        assert_eq!(stylesheet_paths(html), ["/assets/share.css?v=1"]);
    }
}
