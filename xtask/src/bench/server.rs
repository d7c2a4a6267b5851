//! The share-server part of the bench: page throughput against nginx serving
//! the same bytes, page weight, render time in Chromium, cost of growth, and
//! publishing. Each server runs as the release binary on a temporary SQLite
//! database, exactly as an admin would run it (but without the per-request log lines, as nginx runs without its access log).

mod growth;
mod publishing;
mod throughput;
mod weight;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING};

use super::report::{Report, Section, Table, Target, bytes, median, millis, rate, ratio};
use super::wrk::{self, Load, WrkReport};
use super::{Options, browser, seed};
use crate::cmd;
use crate::support::fixture;
use crate::support::procs::{self, Nginx, RssSampler, ShareServer};
use crate::support::publish;

/// Runs every share-server measurement and adds them to `report`.
pub fn run(options: &Options, report: &mut Report) -> Result<()> {
    let built = build(report)?;
    let work = tempfile::Builder::new()
        .prefix("parlor-bench-")
        .tempdir()
        .context("no temporary directory")?;
    // A copy, so a rebuild by someone else meanwhile cannot swap the binary
    // between the server's restarts.
    let binary = work.path().join("share-server");
    fs::copy(&built, &binary).with_context(|| format!("could not copy {}", built.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let http = reqwest::Client::new();
    let mut bench = Bench {
        options,
        binary,
        dir: work.path().to_path_buf(),
        runtime,
        http,
        report,
    };
    let outcome = bench.page().and_then(|()| bench.publishing());
    if options.keep {
        let kept = work.keep();
        eprintln!(
            "kept the databases, logs, page copies and nginx config in {}",
            kept.display()
        );
    }
    outcome
}

fn build(report: &mut Report) -> Result<PathBuf> {
    let (binary, line) = cmd::build_binary("share-server", false)?;
    report.commands.push(line);
    Ok(binary)
}

struct Bench<'a> {
    options: &'a Options,
    binary: PathBuf,
    dir: PathBuf,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    report: &'a mut Report,
}

/// The published page and the copies nginx serves.
struct Page {
    path: String,
    identity: Vec<u8>,
    gzip: Vec<u8>,
    text: String,
    /// The stylesheets the page links to: path and bytes.
    stylesheets: Vec<(String, Vec<u8>)>,
}

impl Bench<'_> {
    fn start_server(&self, database: &Path) -> Result<ShareServer> {
        let server = ShareServer::start(&self.binary, database, &self.dir.join("server.log"))?;
        Ok(server)
    }

    fn record_serve_command(&mut self, database: &Path) {
        let work = self.dir.display().to_string();
        let args = procs::serve_args(database, 0).join(" ");
        self.report.commands.push(
            format!(
                "share-server user add bench --database-url sqlite://{}\n\
                 RUST_LOG={} share-server {}   # WORK: a temporary directory; PORT: a free loopback port; \
                 stderr (warnings) to WORK/server.log",
                database.display(),
                procs::SERVER_LOG_LEVEL,
                args.replace("127.0.0.1:0", "127.0.0.1:PORT")
            )
            .replace(&work, "WORK"),
        );
    }

    // ------------------------------------------------------------ the page

    fn page(&mut self) -> Result<()> {
        let database = self.dir.join("page.db");
        let token = procs::add_user(&self.binary, &database, "bench")?;
        self.record_serve_command(&database);
        let mut server = self.start_server(&database)?;
        std::thread::sleep(Duration::from_millis(500));
        let idle = procs::memory(server.process.pid())?;

        let page = step("publish the 40-message chat and save its page", || {
            self.publish_page(&server, &token)
        })?;
        let nginx_dir = self.dir.join("nginx");
        let www = nginx_dir
            .join("www")
            .join(page.path.trim_start_matches('/'));
        if let Some(parent) = www.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&www, &page.identity)?;
        let mut gz = www.clone().into_os_string();
        gz.push(".gz");
        fs::write(&gz, &page.gzip)?;
        for (href, css) in &page.stylesheets {
            // nginx looks files up without the query string (a version tag).
            let path = href.split('?').next().unwrap_or(href);
            let file = nginx_dir.join("www").join(path.trim_start_matches('/'));
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(file, css)?;
        }
        // Chromium's floor on this machine: a trivial page, for the render times.
        fs::write(
            nginx_dir
                .join("www")
                .join(BLANK_PAGE.trim_start_matches('/')),
            BLANK_HTML,
        )?;
        let nginx = Nginx::start(&nginx_dir, self.options.cores)?;
        self.report.commands.push(format!(
            "nginx -p WORK/nginx -c WORK/nginx/nginx.conf   # www{} holds the page's exact bytes, {}.gz the server's gzip bytes; the config:\n{}",
            page.path,
            page.path,
            procs::nginx_conf(Path::new("WORK/nginx"), 0, self.options.cores)
                .replace("127.0.0.1:0", "127.0.0.1:PORT")
        ));
        self.check_same_bytes(&server, &nginx, &page)?;

        self.page_weight(&page);
        let under_load = RssSampler::start(server.process.pid());
        let identity = self.throughput(&server, &nginx, &page, None)?;
        let gzip = self.throughput(&server, &nginx, &page, Some("Accept-Encoding: gzip"))?;
        let peak_under_load = under_load.finish();
        let after = procs::memory(server.process.pid())?;
        self.throughput_section(&identity, &gzip);
        self.memory_section(idle, peak_under_load, after);
        self.browser(&server, &nginx, &page)?;
        self.growth(&mut server, &nginx, &database, &page)?;
        drop(nginx);
        server.process.stop();
        Ok(())
    }

    fn publish_page(&self, server: &ShareServer, token: &str) -> Result<Page> {
        let snapshot = fixture::page_chat(Utc::now());
        let body = serde_json::to_vec(&snapshot)?;
        let base = server.url("");
        self.runtime.block_on(async {
            let id = publish::create(&self.http, &base, token, &body).await?;
            let path = format!("/shared/{id}");
            let identity = self.fetch(&server.url(&path), None).await?;
            let gzip = self.fetch(&server.url(&path), Some("gzip")).await?;
            let mut stylesheets = Vec::new();
            for href in stylesheet_paths(&String::from_utf8_lossy(&identity)) {
                let css = self.fetch(&server.url(&href), None).await?;
                stylesheets.push((href, css));
            }
            Ok(Page {
                path,
                identity,
                gzip,
                text: fixture::message_text(&snapshot),
                stylesheets,
            })
        })
    }

    /// The body exactly as sent (reqwest here decompresses nothing).
    async fn fetch(&self, url: &str, encoding: Option<&str>) -> Result<Vec<u8>> {
        let mut request = self.http.get(url);
        if let Some(encoding) = encoding {
            request = request.header(ACCEPT_ENCODING, encoding);
        }
        let response = request.send().await?;
        if !response.status().is_success() {
            bail!("GET {url} answered {}", response.status());
        }
        let sent = response
            .headers()
            .get(CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if sent.as_deref() != encoding {
            bail!("GET {url}: asked for {encoding:?}, got Content-Encoding {sent:?}");
        }
        Ok(response.bytes().await?.to_vec())
    }

    /// Both servers answer with the same bytes, plain and gzip.
    fn check_same_bytes(&self, server: &ShareServer, nginx: &Nginx, page: &Page) -> Result<()> {
        self.runtime.block_on(async {
            for (encoding, expected) in [(None, &page.identity), (Some("gzip"), &page.gzip)] {
                for url in [server.url(&page.path), nginx.url(&page.path)] {
                    let body = self.fetch(&url, encoding).await?;
                    if &body != expected {
                        bail!("{url} ({encoding:?}) sends other bytes than the saved page");
                    }
                }
            }
            Ok(())
        })
    }
}

/// The trivial page that shows how fast Chromium can get here at all.
const BLANK_PAGE: &str = "/blank.html";
const BLANK_HTML: &str = "<!doctype html><title>blank</title><p>blank</p>";

fn micros(duration: Duration) -> String {
    format!("{:.0} µs", duration.as_secs_f64() * 1e6)
}

fn gzip_best(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// Runs one named step with progress on stderr (see [`cmd::step`]).
fn step<T>(name: &str, body: impl FnOnce() -> Result<T>) -> Result<T> {
    cmd::step(name, body).map(|(value, _)| value)
}

/// The `href`s of the page's `<link rel="stylesheet">` elements.
fn stylesheet_paths(html: &str) -> Vec<String> {
    html.split("<link")
        .skip(1)
        .filter_map(|tag| tag.split('>').next())
        .filter(|tag| tag.contains("stylesheet"))
        .filter_map(|tag| {
            let start = tag.find("href=\"")? + "href=\"".len();
            let end = tag[start..].find('"')? + start;
            Some(tag[start..end].to_owned())
        })
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
