//! Page throughput against nginx and the bare axum route serving the same
//! bytes, in alternating rounds; view counting on and off; the memory the
//! server used meanwhile.

use super::*;

/// One wrk run against one server, and the CPU time the server (and its
/// children) used per request meanwhile: less sensitive to a busy machine
/// than req/s.
pub(super) type Run = (WrkReport, Duration);

/// Runs `load` against `path` on each of `servers` in turn.
pub(super) fn run_each(load: &Load, servers: &[&Service], path: &str) -> Result<Vec<Run>> {
    let mut runs = Vec::new();
    for server in servers {
        let before = procs::cpu_time(server.pid());
        let report = load.run(&server.url(path))?;
        let used = procs::cpu_time(server.pid()).saturating_sub(before);
        runs.push((report, used.div_f64(report.requests.max(1) as f64)));
        let (name, rps, p99) = (server.process.name, report.requests_per_sec, report.p99);
        eprintln!("    {name}: {} req/s, p99 {}", rate(rps), millis(p99));
    }
    Ok(runs)
}

/// The table's columns after the first, as figures of one round of the
/// share-server, nginx and the bare axum route (in that order): req/s, its
/// ratios, p99, its ratio to nginx's, CPU/req.
fn figures(runs: &[Run]) -> Vec<f64> {
    let each = |figure: fn(&Run) -> f64| runs.iter().map(figure).collect::<Vec<_>>();
    let rps = each(|run| run.0.requests_per_sec);
    let p99 = each(|run| run.0.p99.as_secs_f64());
    let cpu = each(|run| run.1.as_secs_f64());
    let ratios = [rps[0] / rps[1], rps[0] / rps[2]];
    [&rps, &ratios[..], &p99, &[p99[0] / p99[1]], &cpu].concat()
}

/// How each of [`figures`] is shown.
const SHOWN: [fn(f64) -> String; 12] = [
    rate, rate, rate, ratio, ratio, as_millis, as_millis, as_millis, ratio, as_micros, as_micros,
    as_micros,
];
/// The columns with targets: req/s ÷ nginx, req/s ÷ bare axum, p99 ÷ nginx.
const RATIOS: [usize; 3] = [3, 4, 8];

fn as_millis(seconds: f64) -> String {
    millis(Duration::from_secs_f64(seconds))
}

fn as_micros(seconds: f64) -> String {
    micros(Duration::from_secs_f64(seconds))
}

/// A table row: `label`, then `figures` shown (with the ratios in bold).
fn row(label: String, figures: &[f64], bold: bool) -> Vec<String> {
    let cells = figures
        .iter()
        .zip(SHOWN)
        .map(|(&value, shown)| shown(value));
    let mut row: Vec<String> = std::iter::once(label).chain(cells).collect();
    for i in RATIOS.iter().filter(|_| bold) {
        row[i + 1] = format!("**{}**", row[i + 1]);
    }
    row
}

pub(super) const GZIP: &str = "Accept-Encoding: gzip";

impl Bench<'_> {
    /// Alternating rounds of wrk against each of `servers` (the
    /// share-server, nginx, the bare axum route) per page and encoding.
    pub(super) fn throughput(&mut self, servers: &[&Service], pages: &[Page]) -> Result<()> {
        let mut rows: Rows = Vec::new();
        for page in pages {
            for (header, body) in [(None, &page.identity), (Some(GZIP), &page.gzip)] {
                let encoding = if header.is_some() { "gzip" } else { "identity" };
                let label = format!("{}, {encoding}", page.name);
                let sized = format!("{label} ({})", bytes(body.len() as u64));
                let what = format!("page throughput, {label}");
                let rounds = self.rounds(&what, &self.page_load(header), servers, &page.path)?;
                let rounds = rounds.iter().map(|runs| figures(runs)).collect::<Vec<_>>();
                for (round, figures) in rounds.iter().enumerate() {
                    rows.push(row(format!("{sized}, {}", round + 1), figures, false));
                }
                let column = |i| rounds.iter().map(|f: &Vec<f64>| f[i]).collect::<Vec<_>>();
                let medians: Vec<f64> = (0..SHOWN.len()).map(|i| median(&column(i))).collect();
                rows.push(row(format!("**{sized}, median**"), &medians, true));
                let what = |figure: &str| format!("page ({label}): {figure}");
                self.targets.extend([
                    Target::ratio_at_least(what("req/s ÷ nginx's"), 1.0, medians[3]),
                    Target::ratio_at_least(what("req/s ÷ bare axum's"), 0.85, medians[4]),
                    Target::ratio_at_most(what("p99 ÷ nginx's"), 1.5, medians[8]),
                ]);
            }
        }
        let url = "http://127.0.0.1:PORT/shared/ID";
        let wrk = [None, Some(GZIP)].map(|header| self.page_load(header).shown(url));
        let (seconds, options) = (self.options.duration.as_secs(), self.options);
        let (cores, rounds) = (options.cores, options.rounds);
        let figures =
            json!({"seconds": seconds, "cores": cores, "rounds": rounds, "rows": rows, "wrk": wrk});
        self.set("throughput", figures);
        Ok(())
    }

    /// `load` against `path` on each of `servers` in turn, once per round.
    fn rounds(
        &self,
        what: &str,
        load: &Load,
        servers: &[&Service],
        path: &str,
    ) -> Result<Vec<Vec<Run>>> {
        let rounds = 1..=self.options.rounds;
        let round = |round| {
            step(&format!("{what}, round {round}"), || {
                run_each(load, servers, path)
            })
        };
        rounds.map(round).collect()
    }

    /// Page req/s with view counting on (`on`) and off (a second server on
    /// the same database, started with `--count-views=false`), alternating.
    /// The page's share has no view limit, so the second server counts
    /// nothing: the difference is what counting costs.
    pub(super) fn view_counting(&mut self, on: &Service, db: &Path, page: &Page) -> Result<()> {
        let (url, flag) = (format!("sqlite://{}", db.display()), "--count-views=false");
        let log = self.dir.join("server.log");
        let off = ShareServer::share_server_with(&self.binary, &url, &log, &[flag])?;
        let (name, load) = (page.name, self.page_load(None));
        let what = format!("page throughput, {name}, view counting on and off");
        let (mut counting, mut not, mut kept) = (Vec::new(), Vec::new(), Vec::new());
        for runs in self.rounds(&what, &load, &[on, &off], &page.path)? {
            let [with, without] = [0, 1].map(|i| runs[i].0.requests_per_sec);
            counting.push(with);
            not.push(without);
            kept.push(with / without);
        }
        let [on, off, kept] = [counting, not, kept].map(|rates| median(&rates));
        let shown = [rate(on), rate(off), ratio(kept)];
        self.set(
            "views",
            json!({"page": name, "flag": flag, "figures": shown}),
        );
        let what = format!("page ({name}, identity): req/s with view counting ÷ without");
        self.targets.push(Target::ratio_at_least(what, 0.95, kept));
        Ok(())
    }

    /// wrk's load on the page: 64 connections, with `header` if any.
    pub(super) fn page_load(&self, header: Option<&'static str>) -> Load {
        Load {
            header,
            ..Load::new(64, self.options.duration)
        }
    }

    /// The binary's size and the server's RSS idle and after the page runs.
    pub(super) fn memory_section(&mut self, idle: procs::Memory, after: procs::Memory) {
        let binary = fs::metadata(&self.binary).map_or(0, |m| m.len());
        let rows = [
            ("share-server binary (release, debug info stripped)", binary),
            ("RSS idle, after start (VmRSS)", idle.rss),
            ("RSS peak over the page runs (VmHWM)", after.peak),
            ("RSS after the page runs (VmRSS)", after.rss),
        ];
        self.set("memory", json!(rows.map(|(what, n)| (what, bytes(n)))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_in_columns_with_its_ratios_in_bold() {
        let run = |rps, p99_ms, cpu_us| {
            let (p99, requests) = (Duration::from_millis(p99_ms), 1);
            let report = WrkReport {
                requests_per_sec: rps,
                p50: p99,
                p99,
                requests,
                errors: 0,
            };
            (report, Duration::from_micros(cpu_us))
        };
        let figures = figures(&[run(800.0, 3, 40), run(1000.0, 2, 30), run(1600.0, 1, 20)]);
        let row = row("2 messages, gzip, 1".into(), &figures, true).join(" | ");
        let expected = "2 messages, gzip, 1 | 800 | 1000 | 1600 | **0.80×** | **0.50×** | 3.00 ms \
                        | 2.00 ms | 1.00 ms | **1.50×** | 40 µs | 30 µs | 20 µs";
        assert_eq!(row, expected);
    }
}
