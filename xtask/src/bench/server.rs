//! The share-server part of the bench: page throughput against nginx serving
//! the same bytes, page weight, render time in Chromium, cost of growth, and
//! publishing. Each server runs as the release binary on a temporary SQLite
//! database, exactly as an admin would run it (but without the per-request log lines, as nginx runs without its access log).

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

use super::report::{Report, Rows, Target, bytes, median, micros, millis, rate, ratio};
use super::wrk::{self, Load, WrkReport};
use super::{Options, gzip_best, seed};
use crate::cmd::step;
use crate::support::procs::{self, Nginx, RssSampler, ShareServer};
use crate::support::{self, fixture, publish, quantile};

/// Runs every share-server measurement and adds them to `report`.
pub fn run(options: &Options, report: &mut Report) -> Result<()> {
    let (work, binary, build_line) =
        support::private_build("share-server", false, "parlor-bench-")?;
    let runtime = support::runtime(1)?;
    let mut bench = Bench {
        options,
        binary,
        dir: work.path().to_path_buf(),
        runtime,
        http: reqwest::Client::new(),
        targets: &mut report.targets,
        figures: Map::new(),
    };
    bench.set("build", json!(build_line));
    let outcome = bench.page().and_then(|()| bench.publishing());
    let figures = Value::Object(std::mem::take(&mut bench.figures));
    report.parts.insert("server".to_owned(), figures);
    let what = "the databases, logs, page copies and nginx config";
    support::keep_if(options.keep, work, what);
    outcome
}

struct Bench<'a> {
    options: &'a Options,
    binary: PathBuf,
    dir: PathBuf,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    targets: &'a mut Vec<Target>,
    /// What the server sections of BENCHMARKS.md.in show, by name.
    figures: Map<String, Value>,
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

        let page = step("publish the 40-message chat and save its page", || {
            self.publish_page(&server, &token)
        })?;
        let www = self.dir.join("nginx/www");
        let gzip_path = format!("{}.gz", page.path);
        let mut files = vec![
            (page.path.as_str(), page.identity.as_slice()),
            (gzip_path.as_str(), page.gzip.as_slice()),
            // Chromium's floor on this machine: a trivial page, for the render times.
            (BLANK_PAGE, BLANK_HTML.as_bytes()),
        ];
        for (href, css) in &page.stylesheets {
            // nginx looks files up without the query string (a version tag).
            files.push((href.split('?').next().unwrap_or(href), css));
        }
        for (path, content) in files {
            let file = www.join(path.trim_start_matches('/'));
            fs::create_dir_all(file.parent().context("a file in no folder")?)?;
            fs::write(file, content)?;
        }
        let nginx = Nginx::nginx(&self.dir.join("nginx"), self.options.cores)?;
        let conf = procs::nginx_conf(Path::new("WORK/nginx"), "PORT", self.options.cores)?;
        self.set("nginx_conf", json!(conf.trim_end()));
        self.set("page_path", json!(page.path));
        self.check_same_bytes(&server, &nginx, &page)?;

        self.page_weight(&page);
        let under_load = RssSampler::start(server.pid());
        let identity = self.throughput(&server, &nginx, &page, None)?;
        let gzip = self.throughput(&server, &nginx, &page, Some(throughput::GZIP))?;
        self.view_counting(&server, &database, &page)?;
        let peak_under_load = under_load.finish();
        let after = procs::memory(server.pid())?;
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
