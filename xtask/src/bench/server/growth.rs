//! Page throughput as the share table grows to a million rows.

use super::throughput::measured;
use super::*;

impl Bench<'_> {
    /// Page throughput as the share table grows, against nginx each time.
    pub(super) fn growth(
        &mut self,
        server: &mut ShareServer,
        nginx: &Nginx,
        database: &Path,
        page: &Page,
    ) -> Result<()> {
        let seed_snapshot = serde_json::to_vec(&fixture::seed_chat(Utc::now()))?;
        let load = Load::new(64, self.options.duration);
        let mut table = Table::new(&[
            "stored shares",
            "seeding took",
            "database file",
            "share-server req/s",
            "nginx req/s",
            "ratio",
            "share-server p99",
            "share-server CPU/req",
            "RSS idle after restart",
            "RSS peak (VmHWM)",
        ]);
        let mut ratios = Vec::new();
        let mut cpu = Vec::new();
        for &level in &self.options.growth_levels {
            let (row, ratio_here, cpu_here) = step(&format!("growth: {level} shares"), || {
                server.process.stop();
                let started = Instant::now();
                seed::grow_to(database, level, &seed_snapshot, Utc::now())?;
                let seeding = started.elapsed();
                let size = fs::metadata(database).map(|m| m.len()).unwrap_or(0);
                *server = self.start_server(database)?;
                std::thread::sleep(Duration::from_millis(300));
                let idle = procs::memory(server.process.pid())?;
                // Render into the cache once, as the first visitor would.
                let status = procs::http_status(server.port, &page.path)?;
                if status != 200 {
                    bail!("the page answered {status} after seeding");
                }
                let (ours, cpu_here) =
                    measured(&load, &server.url(&page.path), server.process.pid())?;
                let theirs = load.run(&nginx.url(&page.path))?;
                let peak = procs::memory(server.process.pid())?.peak;
                let ratio_here = ours.requests_per_sec / theirs.requests_per_sec;
                let row = vec![
                    format!("{level}"),
                    format!("{:.1} s", seeding.as_secs_f64()),
                    bytes(size),
                    rate(ours.requests_per_sec),
                    rate(theirs.requests_per_sec),
                    ratio(ratio_here),
                    millis(ours.p99),
                    micros(cpu_here),
                    bytes(idle.rss),
                    bytes(peak),
                ];
                Ok((row, ratio_here, cpu_here))
            })?;
            eprintln!("    {}", row.join(" | "));
            table.row(row);
            ratios.push(ratio_here);
            cpu.push(cpu_here.as_secs_f64());
        }
        let last_over_first = |values: &[f64]| {
            values.last().copied().unwrap_or(f64::NAN) / values.first().copied().unwrap_or(f64::NAN)
        };
        let kept = last_over_first(&ratios);
        let cpu_growth = last_over_first(&cpu);
        self.report.commands.push(format!(
            "# growth: stop the server, then in one transaction on the SQLite file:\n\
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < MISSING)\n\
             INSERT INTO shares (...) SELECT substr(hex(randomblob(11)), 1, 22), ... FROM n;\n\
             # restart, GET the page once, then {} against each",
            load.shown("URL")
        ));
        self.report.sections.push(Section {
            title: "Cost of growth".into(),
            text: vec![format!(
                "The same page with more shares stored beside it, seeded straight into the \
                 SQLite file (`xtask/src/bench/seed.rs`: one transaction, random 22-character \
                 ids, a ~{} snapshot each). The server is restarted after seeding and the page \
                 fetched once, so each level starts with only that page cached; ratio = \
                 share-server ÷ nginx in the same step. From {} to {} shares the ratio keeps \
                 {:.0}% of its value and the CPU time per request changes by {:.2}×; on a busy \
                 machine CPU/req is the steadier of the two.",
                bytes(seed_snapshot.len() as u64),
                self.options.growth_levels.first().copied().unwrap_or(0),
                self.options.growth_levels.last().copied().unwrap_or(0),
                kept * 100.0,
                cpu_growth
            )],
            table,
        });
        let levels = format!(
            "{} → {}",
            self.options.growth_levels.first().copied().unwrap_or(0),
            self.options.growth_levels.last().copied().unwrap_or(0)
        );
        self.report.targets.push(Target {
            what: format!("page cost flat as shares grow {levels} (CPU/req, last ÷ first)"),
            target: "≤ 1.15×".into(),
            measured: ratio(cpu_growth),
            met: cpu_growth <= 1.15,
        });
        self.report.targets.push(Target {
            what: format!(
                "page throughput flat as shares grow {levels} (ratio to nginx, last ÷ first)"
            ),
            target: "≥ 0.85×".into(),
            measured: ratio(kept),
            met: kept >= 0.85,
        });
        Ok(())
    }
}
