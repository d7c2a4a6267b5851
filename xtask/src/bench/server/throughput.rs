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
    let before = procs::cpu_time(pid)?;
    let report = load.run(url)?;
    let used = procs::cpu_time(pid)?.saturating_sub(before);
    let per_request = used.div_f64(report.requests.max(1) as f64);
    Ok((report, per_request))
}

impl Pair {
    fn throughput_ratio(&self) -> f64 {
        self.server.requests_per_sec / self.nginx.requests_per_sec
    }

    fn p99_ratio(&self) -> f64 {
        self.server.p99.as_secs_f64() / self.nginx.p99.as_secs_f64()
    }
}

impl Bench<'_> {
    /// A B A B … rounds of wrk against the share-server and nginx.
    pub(super) fn throughput(
        &mut self,
        server: &ShareServer,
        nginx: &Nginx,
        page: &Page,
        header: Option<&str>,
    ) -> Result<Vec<Pair>> {
        let mut load = Load::new(64, self.options.duration);
        if let Some(header) = header {
            load = load.header(header);
        }
        let name = format!(
            "page throughput{}",
            header.map(|h| format!(" ({h})")).unwrap_or_default()
        );
        self.report.commands.push(format!(
            "{}   # and the same against nginx, alternating, {} rounds",
            load.shown("http://127.0.0.1:PORT/shared/ID"),
            self.options.rounds
        ));
        let mut pairs = Vec::new();
        for round in 1..=self.options.rounds {
            let pair = step(&format!("{name}, round {round}"), || {
                let (server, server_cpu) =
                    measured(&load, &server.url(&page.path), server.process.pid())?;
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
        let mut table = Table::new(&[
            "encoding, round",
            "share-server req/s",
            "nginx req/s",
            "req/s ratio",
            "share-server p50",
            "nginx p50",
            "share-server p99",
            "nginx p99",
            "p99 ratio",
            "share-server CPU/req",
            "nginx CPU/req",
        ]);
        for (label, pairs) in [("identity", identity), ("gzip", gzip)] {
            for (round, pair) in pairs.iter().enumerate() {
                table.row(vec![
                    format!("{label}, {}", round + 1),
                    rate(pair.server.requests_per_sec),
                    rate(pair.nginx.requests_per_sec),
                    ratio(pair.throughput_ratio()),
                    millis(pair.server.p50),
                    millis(pair.nginx.p50),
                    millis(pair.server.p99),
                    millis(pair.nginx.p99),
                    ratio(pair.p99_ratio()),
                    micros(pair.server_cpu),
                    micros(pair.nginx_cpu),
                ]);
            }
            let med = |f: &dyn Fn(&Pair) -> f64| median(&pairs.iter().map(f).collect::<Vec<_>>());
            let throughput = med(&Pair::throughput_ratio);
            let p99 = med(&Pair::p99_ratio);
            table.row(vec![
                format!("**{label}, median**"),
                rate(med(&|p| p.server.requests_per_sec)),
                rate(med(&|p| p.nginx.requests_per_sec)),
                format!("**{}**", ratio(throughput)),
                millis(Duration::from_secs_f64(med(&|p| {
                    p.server.p50.as_secs_f64()
                }))),
                millis(Duration::from_secs_f64(med(&|p| p.nginx.p50.as_secs_f64()))),
                millis(Duration::from_secs_f64(med(&|p| {
                    p.server.p99.as_secs_f64()
                }))),
                millis(Duration::from_secs_f64(med(&|p| p.nginx.p99.as_secs_f64()))),
                format!("**{}**", ratio(p99)),
                micros(Duration::from_secs_f64(med(&|p| {
                    p.server_cpu.as_secs_f64()
                }))),
                micros(Duration::from_secs_f64(med(&|p| p.nginx_cpu.as_secs_f64()))),
            ]);
            self.report.targets.push(Target {
                what: format!("page req/s ÷ nginx req/s ({label})"),
                target: "≥ 1.0×".into(),
                measured: ratio(throughput),
                met: throughput >= 1.0,
            });
            self.report.targets.push(Target {
                what: format!("page p99 ÷ nginx p99 ({label})"),
                target: "≤ 1.5×".into(),
                measured: ratio(p99),
                met: p99 <= 1.5,
            });
        }
        self.report.sections.push(Section {
            title: "Page throughput against nginx".into(),
            text: vec![format!(
                "`wrk -t2 -c64 -d{}s -s xtask/src/bench/wrk_report.lua` against `GET /shared/ID` on the share-server \
                 (release build, page cache warm, `RUST_LOG=warn`: no per-request log, as nginx has `access_log off`) and \
                 against nginx serving the same bytes from a file, alternating within each round. \
                 Ratios are taken per round, then the median. wrk runs on the same {} cores as \
                 the server under test, as it does for nginx. CPU/req is the user + system time \
                 the server's process (nginx: master and workers) used during the run divided by \
                 the requests served: the figure least disturbed by other load on the machine.",
                self.options.duration.as_secs(),
                self.options.cores
            )],
            table,
        });
    }

    pub(super) fn memory_section(
        &mut self,
        idle: procs::Memory,
        peak_sampled: u64,
        after: procs::Memory,
    ) {
        let binary_size = fs::metadata(&self.binary).map(|m| m.len()).unwrap_or(0);
        let mut table = Table::new(&["", "value"]);
        table.row(vec![
            "share-server binary (release, debug info stripped)".into(),
            bytes(binary_size),
        ]);
        table.row(vec![
            "RSS idle, after start (VmRSS)".into(),
            bytes(idle.rss),
        ]);
        table.row(vec![
            "RSS under load, largest sample (VmRSS every 50 ms)".into(),
            bytes(peak_sampled),
        ]);
        table.row(vec![
            "RSS peak over the page runs (VmHWM)".into(),
            bytes(after.peak),
        ]);
        table.row(vec![
            "RSS after the page runs (VmRSS)".into(),
            bytes(after.rss),
        ]);
        self.report.sections.push(Section {
            title: "Memory and binary size".into(),
            text: vec!["Read from `/proc/PID/status` of the share-server process.".into()],
            table,
        });
    }
}
