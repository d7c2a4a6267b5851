//! Page throughput against nginx, alternating A B rounds, and the memory
//! the server used meanwhile.

use super::*;

/// req/s, p50 and p99 of the share-server and nginx in one round, and the
/// CPU time each used per request (less sensitive to a busy machine than req/s).
pub(super) struct Pair {
    server: WrkReport,
    nginx: WrkReport,
    server_cpu: Duration,
    nginx_cpu: Duration,
}

/// Runs `load` against `url` and measures the CPU time `pid` (and its
/// children) used per request meanwhile.
pub(super) fn measured(load: &Load, url: &str, pid: u32) -> Result<(WrkReport, Duration)> {
    let before = procs::cpu_time(pid);
    let report = load.run(url)?;
    let used = procs::cpu_time(pid).saturating_sub(before);
    Ok((report, used.div_f64(report.requests.max(1) as f64)))
}

/// A column of the throughput table: a figure of a round, formatted.
type Column = (fn(&Pair) -> f64, fn(f64) -> String);

fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

fn as_millis(value: f64) -> String {
    millis(Duration::from_secs_f64(value))
}

fn as_micros(value: f64) -> String {
    micros(Duration::from_secs_f64(value))
}

/// The table's columns after the first: per round, and as the median of the rounds.
const COLUMNS: [Column; 10] = [
    (|p| p.server.requests_per_sec, rate),
    (|p| p.nginx.requests_per_sec, rate),
    (
        |p| p.server.requests_per_sec / p.nginx.requests_per_sec,
        ratio,
    ),
    (|p| secs(p.server.p50), as_millis),
    (|p| secs(p.nginx.p50), as_millis),
    (|p| secs(p.server.p99), as_millis),
    (|p| secs(p.nginx.p99), as_millis),
    (|p| secs(p.server.p99) / secs(p.nginx.p99), ratio),
    (|p| secs(p.server_cpu), as_micros),
    (|p| secs(p.nginx_cpu), as_micros),
];
const THROUGHPUT_RATIO: usize = 2;
pub(super) const GZIP: &str = "Accept-Encoding: gzip";
const P99_RATIO: usize = 7;

impl Bench<'_> {
    /// A B A B … rounds of wrk against the share-server and nginx.
    pub(super) fn throughput(
        &mut self,
        server: &ShareServer,
        nginx: &Nginx,
        page: &Page,
        header: Option<&'static str>,
    ) -> Result<Vec<Pair>> {
        let load = self.page_load(header);
        let mut pairs = Vec::new();
        for round in 1..=self.options.rounds {
            let name = format!(
                "page throughput {}, round {round}",
                header.unwrap_or("identity")
            );
            let pair = step(&name, || {
                let (server, server_cpu) = measured(&load, &server.url(&page.path), server.pid())?;
                let (nginx, nginx_cpu) = measured(&load, &nginx.url(&page.path), nginx.pid())?;
                Ok(Pair {
                    server,
                    nginx,
                    server_cpu,
                    nginx_cpu,
                })
            })?;
            eprintln!(
                "    share-server {} req/s p99 {} | nginx {} req/s p99 {}",
                rate(pair.server.requests_per_sec),
                millis(pair.server.p99),
                rate(pair.nginx.requests_per_sec),
                millis(pair.nginx.p99)
            );
            pairs.push(pair);
        }
        Ok(pairs)
    }

    pub(super) fn throughput_section(&mut self, identity: &[Pair], gzip: &[Pair]) {
        let mut rows: Rows = Vec::new();
        for (label, pairs) in [("identity", identity), ("gzip", gzip)] {
            for (round, pair) in pairs.iter().enumerate() {
                let cells = COLUMNS.iter().map(|(figure, shown)| shown(figure(pair)));
                rows.push(
                    std::iter::once(format!("{label}, {}", round + 1))
                        .chain(cells)
                        .collect(),
                );
            }
            let medians: Vec<f64> = COLUMNS
                .iter()
                .map(|(figure, _)| median(&pairs.iter().map(figure).collect::<Vec<_>>()))
                .collect();
            let mut cells: Vec<String> = COLUMNS
                .iter()
                .zip(&medians)
                .map(|((_, shown), m)| shown(*m))
                .collect();
            for column in [THROUGHPUT_RATIO, P99_RATIO] {
                cells[column] = format!("**{}**", cells[column]);
            }
            rows.push(
                std::iter::once(format!("**{label}, median**"))
                    .chain(cells)
                    .collect(),
            );
            let (throughput, p99) = (medians[THROUGHPUT_RATIO], medians[P99_RATIO]);
            let what = |figure: &str| format!("page {figure} ÷ nginx {figure} ({label})");
            self.targets.extend([
                Target::ratio_at_least(what("req/s"), 1.0, throughput),
                Target::ratio_at_most(what("p99"), 1.5, p99),
            ]);
        }
        let wrk = [None, Some(GZIP)].map(|header| {
            self.page_load(header)
                .shown("http://127.0.0.1:PORT/shared/ID")
        });
        self.set(
            "throughput",
            json!({
                "seconds": self.options.duration.as_secs(), "cores": self.options.cores,
                "rounds": self.options.rounds, "rows": rows, "wrk": wrk,
            }),
        );
    }

    /// Page req/s with view counting on (`server`) and off (a second server
    /// on the same database), in alternating rounds.
    pub(super) fn view_counting(
        &mut self,
        on: &ShareServer,
        database: &Path,
        page: &Page,
    ) -> Result<()> {
        let url = format!("sqlite://{}", database.display());
        let flag = ["--count-views=false"];
        let off = ShareServer::share_server_with(
            &self.binary,
            &url,
            &self.dir.join("server.log"),
            &flag,
        )?;
        let (load, mut rates) = (self.page_load(None), [Vec::new(), Vec::new()]);
        for round in 1..=self.options.rounds {
            step(
                &format!("page throughput, view counting on and off, round {round}"),
                || {
                    for (server, rates) in [on, &off].into_iter().zip(&mut rates) {
                        rates.push(load.run(&server.url(&page.path))?.requests_per_sec);
                    }
                    Ok(())
                },
            )?;
        }
        let [on, off] = rates.map(|rates| median(&rates));
        eprintln!(
            "    view counting on {} req/s | off {} req/s",
            rate(on),
            rate(off)
        );
        let what = "page req/s with view counting ÷ without (identity)";
        self.targets
            .push(Target::ratio_at_least(what, 0.95, on / off));
        Ok(())
    }

    /// wrk's load on the page: 64 connections, with `header` if any.
    pub(super) fn page_load(&self, header: Option<&'static str>) -> Load {
        Load {
            header,
            ..Load::new(64, self.options.duration)
        }
    }

    pub(super) fn memory_section(
        &mut self,
        idle: procs::Memory,
        sampled: u64,
        after: procs::Memory,
    ) {
        let binary = fs::metadata(&self.binary).map_or(0, |m| m.len());
        let rows = [
            ("share-server binary (release, debug info stripped)", binary),
            ("RSS idle, after start (VmRSS)", idle.rss),
            (
                "RSS under load, largest sample (VmRSS every 50 ms)",
                sampled,
            ),
            ("RSS peak over the page runs (VmHWM)", after.peak),
            ("RSS after the page runs (VmRSS)", after.rss),
        ]
        .map(|(what, n)| (what, bytes(n)));
        self.set("memory", json!(rows));
    }
}
