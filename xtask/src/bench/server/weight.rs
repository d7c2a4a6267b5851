//! Page weight (bytes, gzip, scripts) and the time until Chromium renders it.

use tempfile::TempDir;

use super::*;
use crate::support::webdriver::{Driver, caught};

impl Bench<'_> {
    pub(super) fn page_weight(&mut self, page: &Page) {
        let text_gzip = gzip_best(page.text.as_bytes()).len() as u64;
        let html = String::from_utf8_lossy(&page.identity).to_ascii_lowercase();
        let scripts = html.matches("<script").count();
        let weight = page.gzip.len() as f64 / text_gzip as f64;
        let text = bytes(page.text.len() as u64);
        let (raw, gzip) = (page.identity.len() as u64, page.gzip.len() as u64);
        let js = scripts.to_string();
        let rows = [
            ("page, raw HTML", bytes(raw)),
            ("page, gzip (as the server sends it)", bytes(gzip)),
            (
                "message text alone (content, reasoning, tool arguments), raw",
                text.clone(),
            ),
            ("message text alone, gzip -9", bytes(text_gzip)),
            ("page gzip ÷ text gzip", ratio(weight)),
            ("`<script>` elements", js.clone()),
        ];
        self.set("weight", json!({"text_bytes": text, "rows": rows}));
        let what = "page weight: gzip page ÷ gzip message text";
        self.targets.extend([
            Target::ratio_at_most(what, 1.3, weight),
            Target::new("required JavaScript", "0", js, scripts == 0),
        ]);
    }

    pub(super) fn browser(
        &mut self,
        server: &ShareServer,
        nginx: &Nginx,
        page: &Page,
    ) -> Result<()> {
        let samples = self.options.browser_samples;
        let path = page.path.as_str();
        let urls = [server.url(path), nginx.url(path), nginx.url(BLANK_PAGE)];
        let profiles = self.dir.join("chromium");
        fs::create_dir_all(&profiles)?;
        let times = step("render time in headless Chromium", || {
            let measured = caught(load_times(&urls, samples, &profiles));
            self.runtime.block_on(measured).map_err(anyhow::Error::msg)
        })?;
        let median_of = |times: &[Duration]| quantile(times, 0.5).unwrap_or_default();
        let mut rows: Rows = Vec::new();
        for (name, views) in BROWSER_ROWS.iter().zip(&times) {
            for (view, times) in ["first view (fresh profile)", "repeat view (same browser)"]
                .iter()
                .zip(views)
            {
                let slowest = times.iter().max().copied().unwrap_or_default();
                let shown = [millis(median_of(times)), millis(slowest)];
                rows.push(
                    [format!("{name}: {view}")]
                        .into_iter()
                        .chain(shown)
                        .collect(),
                );
            }
        }
        let first = median_of(&times[0][0]);
        let sheets = page.stylesheets.iter();
        let sheets: Vec<String> = sheets
            .map(|(href, css)| format!("`{href}`, {}", bytes(css.len() as u64)))
            .collect();
        let figures =
            json!({"samples": samples, "blank": BLANK_HTML, "stylesheets": sheets, "rows": rows});
        self.set("browser", figures);
        let met = first <= Duration::from_millis(100);
        let what = "page rendered in headless Chromium (loadEventEnd, median)";
        self.targets
            .push(Target::new(what, "≤ 100 ms", millis(first), met));
        Ok(())
    }
}

/// What the render times' rows are of, in the order of `browser`'s URLs.
const BROWSER_ROWS: [&str; 3] = [
    "share-server",
    "nginx (same bytes and stylesheet)",
    "nginx, a trivial page (Chromium's floor)",
];

/// Opens each of `urls` in `samples` fresh headless Chromium sessions, twice
/// each (a first view: nothing cached, the stylesheet fetched; then a repeat
/// view, the stylesheet cached and the page revalidated by ETag),
/// alternating between the URLs. Per URL: first and repeat view times.
async fn load_times(urls: &[String], samples: usize, profiles: &Path) -> Vec<[Vec<Duration>; 2]> {
    let driver = Driver::chromedriver().await;
    let mut all = vec![[Vec::new(), Vec::new()]; urls.len()];
    for _ in 0..samples {
        for (url, times) in urls.iter().zip(&mut all) {
            let profile = TempDir::new_in(profiles).unwrap_or_else(|e| panic!("no profile: {e}"));
            let client = driver.chromium(&profile, false).await;
            for view in times.iter_mut() {
                view.push(load_event_end(&client, url).await);
            }
            let _ = client.close().await;
        }
    }
    all
}

/// Navigates (WebDriver waits for the load event) and reads Navigation
/// Timing's `loadEventEnd`: from the start of the navigation, so Chromium's
/// own start-up is not counted. Every linked stylesheet must have applied
/// (one sent as another type than `text/css` is ignored: an unstyled page).
async fn load_event_end(client: &fantoccini::Client, url: &str) -> Duration {
    if let Err(e) = client.goto(url).await {
        panic!("could not open {url}: {e}");
    }
    let started = Instant::now();
    loop {
        let script = "const n = performance.getEntriesByType('navigation')[0];\
                      const styled = [...document.querySelectorAll('link[rel=stylesheet]')]\
                        .every(link => link.sheet && link.sheet.cssRules.length > 0);\
                      return n ? [n.loadEventEnd, styled] : [0, true];";
        let measured = client.execute(script, vec![]).await.unwrap_or_default();
        let millis = measured[0].as_f64().unwrap_or(0.0);
        if millis > 0.0 {
            assert!(measured[1] == true, "a stylesheet of {url} did not apply");
            return Duration::from_secs_f64(millis / 1e3);
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no loadEventEnd for {url}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
