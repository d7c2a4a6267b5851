//! Page weight (bytes, gzip, scripts) and the time until Chromium renders it.

use super::*;

impl Bench<'_> {
    pub(super) fn page_weight(&mut self, page: &Page) {
        let text_gzip = gzip_best(page.text.as_bytes()).len() as u64;
        let raw = page.identity.len() as u64;
        let gzip = page.gzip.len() as u64;
        let html = String::from_utf8_lossy(&page.identity).to_ascii_lowercase();
        let scripts = html.matches("<script").count();
        let weight = gzip as f64 / text_gzip as f64;
        let mut table = Table::new(&["", "bytes"]);
        table.row(vec!["page, raw HTML".into(), bytes(raw)]);
        table.row(vec![
            "page, gzip (as the server sends it)".into(),
            bytes(gzip),
        ]);
        table.row(vec![
            "message text alone (content, reasoning, tool arguments), raw".into(),
            bytes(page.text.len() as u64),
        ]);
        table.row(vec!["message text alone, gzip -9".into(), bytes(text_gzip)]);
        table.row(vec!["page gzip ÷ text gzip".into(), ratio(weight)]);
        table.row(vec!["`<script>` elements".into(), scripts.to_string()]);
        self.report.sections.push(Section {
            title: "Page weight".into(),
            text: vec![format!(
                "The 40-message fixture (`xtask/src/bench/fixture.rs`): {} messages of text \
                 with Markdown, code blocks, reasoning, tool calls and tool results.",
                bytes(page.text.len() as u64)
            )],
            table,
        });
        self.report.targets.push(Target {
            what: "page weight: gzip page ÷ gzip message text".into(),
            target: "≤ 1.3×".into(),
            measured: ratio(weight),
            met: weight <= 1.3,
        });
        self.report.targets.push(Target {
            what: "required JavaScript".into(),
            target: "0".into(),
            measured: scripts.to_string(),
            met: scripts == 0,
        });
    }

    pub(super) fn browser(
        &mut self,
        server: &ShareServer,
        nginx: &Nginx,
        page: &Page,
    ) -> Result<()> {
        let samples = self.options.browser_samples;
        let urls = [
            server.url(&page.path),
            nginx.url(&page.path),
            nginx.url(BLANK_PAGE),
        ];
        let profiles = self.dir.join("chromium");
        let times = step("render time in headless Chromium", || {
            self.runtime
                .block_on(browser::load_times(&urls, samples, &profiles))
        })?;
        let median_of = |times: &[Duration]| publish::quantile(times, 0.5).unwrap_or_default();
        let slowest = |times: &[Duration]| times.iter().max().copied().unwrap_or_default();
        let mut table = Table::new(&["", "median", "slowest"]);
        for (name, times) in [
            "share-server",
            "nginx (same bytes and stylesheet)",
            "nginx, a trivial page (Chromium's floor)",
        ]
        .iter()
        .zip(&times)
        {
            table.row(vec![
                format!("{name}: first view (fresh profile)"),
                millis(median_of(&times.first_view)),
                millis(slowest(&times.first_view)),
            ]);
            table.row(vec![
                format!("{name}: repeat view (same browser)"),
                millis(median_of(&times.repeat_view)),
                millis(slowest(&times.repeat_view)),
            ]);
        }
        let first = times
            .first()
            .map(|t| median_of(&t.first_view))
            .unwrap_or_default();
        self.report.sections.push(Section {
            title: "Time until rendered in headless Chromium".into(),
            text: vec![format!(
                "Navigation Timing `loadEventEnd` of the page (from navigation start, so \
                 Chromium's own start-up is not counted), in {samples} fresh Chromium profiles \
                 per server (chromedriver + fantoccini, the flags of TOOLCHAIN.md), each loading \
                 the page twice; the share-server, the nginx copy and a trivial page \
                 (`{BLANK_HTML}`) alternate. The page loads one stylesheet ({}) and nothing else.",
                page.stylesheets
                    .iter()
                    .map(|(href, css)| format!("`{href}`, {}", bytes(css.len() as u64)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
            table,
        });
        self.report.targets.push(Target {
            what: "page rendered in headless Chromium (loadEventEnd, median)".into(),
            target: "≤ 100 ms".into(),
            measured: millis(first),
            met: first <= Duration::from_millis(100),
        });
        Ok(())
    }
}
