//! Page throughput as the share table grows to a million rows, the rows
//! seeded directly in the SQLite file: one transaction, one `INSERT …
//! SELECT` over a recursive counter, so a million rows take seconds, not the
//! minutes a million API calls would.

use super::throughput::run_each;
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
        let (mut rows, mut ratios, mut cpu): (Rows, Vec<f64>, Vec<f64>) = Default::default();
        for &level in &self.options.growth_levels {
            let (row, ratio_here, cpu_here) = step(&format!("growth: {level} shares"), || {
                server.process.stop();
                let started = Instant::now();
                grow_to(database, level, &seed_snapshot)?;
                let seeding = started.elapsed();
                let size = fs::metadata(database).map(|m| m.len()).unwrap_or(0);
                *server = self.start_server(database)?;
                std::thread::sleep(Duration::from_millis(300));
                let idle = procs::memory(server.pid())?;
                // Render into the cache once, as the first visitor would.
                let status = procs::http_status(server.port, &page.path)?;
                if status != 200 {
                    bail!("the page answered {status} after seeding");
                }
                let runs = run_each(&load, &[&*server, nginx], &page.path)?;
                let ((ours, cpu_here), (theirs, _)) = (runs[0], runs[1]);
                let peak = procs::memory(server.pid())?.peak;
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
            rows.push(row);
            ratios.push(ratio_here);
            cpu.push(cpu_here.as_secs_f64());
        }
        let last_over_first = |v: &[f64]| v.last().zip(v.first()).map_or(f64::NAN, |(l, f)| l / f);
        let (kept, cpu_growth) = (last_over_first(&ratios), last_over_first(&cpu));
        let levels = &self.options.growth_levels;
        let &[first, .., last] = levels.as_slice() else {
            bail!("growth needs two levels or more");
        };
        self.set(
            "growth",
            json!({
                "seed_bytes": bytes(seed_snapshot.len() as u64), "first": first, "last": last,
                "kept": format!("{:.0}%", kept * 100.0), "cpu": ratio(cpu_growth), "rows": rows,
                "wrk": load.shown("URL"),
            }),
        );
        let shares = format!("as shares grow {first} → {last}");
        let cost = format!("page cost flat {shares} (CPU/req, last ÷ first)");
        let throughput = format!("page throughput flat {shares} (ratio to nginx, last ÷ first)");
        self.targets.extend([
            Target::ratio_at_most(cost, 1.15, cpu_growth),
            Target::ratio_at_least(throughput, 0.85, kept),
        ]);
        Ok(())
    }
}

/// Adds anonymous, live shares until the table holds `total` rows. Every seeded share has the same small snapshot
/// (only the number of rows matters to lookups) and a random id of 22
/// upper-case hex characters (valid base62, spread over the whole index as
/// real ids are).
fn grow_to(database: &Path, total: u64, snapshot: &[u8]) -> Result<()> {
    let mut conn = rusqlite::Connection::open(database)
        .with_context(|| format!("could not open {}", database.display()))?;
    let tx = conn.transaction()?;
    let existing: i64 = tx.query_row("SELECT count(*) FROM shares", [], |row| row.get(0))?;
    let missing = i64::try_from(total)?.saturating_sub(existing).max(0);
    if missing > 0 {
        let now_ms = Utc::now().timestamp_millis();
        let expires_ms = now_ms + 30 * 24 * 60 * 60 * 1000;
        tx.execute(
            include_str!("../grow.sql"),
            rusqlite::params![missing, snapshot, now_ms, expires_ms],
        )
        .context("seeding shares failed")?;
    }
    tx.commit()?;
    // Fold the WAL back so the server starts on a plain file.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
