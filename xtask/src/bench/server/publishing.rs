//! Publishing: one large share at a time, and small shares from 16 clients.

use super::*;

impl Bench<'_> {
    pub(super) fn publishing(&mut self) -> Result<()> {
        let database = self.dir.join("publish.db");
        let token = procs::add_user(&self.binary, &database, "bench")?;
        let server = self.start_server(&database)?;
        let large = serde_json::to_vec(&fixture::large_chat(Utc::now()))?;
        let small = serde_json::to_vec(&fixture::small_chat(Utc::now()))?;
        let samples = self.options.publish_samples;
        let base = server.url("");
        let times = step(
            &format!(
                "publish a {} share {samples} times",
                bytes(large.len() as u64)
            ),
            || {
                self.runtime.block_on(publish::latencies(
                    &self.http, &base, &token, &large, samples,
                ))
            },
        )?;
        let p50 = publish::quantile(&times, 0.5).unwrap_or_default();
        let p99 = publish::quantile(&times, 0.99).unwrap_or_default();

        let body_file = self.dir.join("small.json");
        fs::write(&body_file, &small)?;
        let script = self.dir.join("post.lua");
        fs::File::create(&script)?.write_all(wrk::post_script(&body_file, &token).as_bytes())?;
        let load = Load::new(16, self.options.publish_duration).script(&script);
        let creates = step("16 concurrent clients publishing small shares", || {
            load.run(&server.url("/api/v0/shared-chats"))
        })?;
        self.report.commands.push(format!(
            "# publishing, on a fresh database: {samples} sequential POST /api/v0/shared-chats of the \
             500-message share with reqwest (after 2 unmeasured), then\n{}   # post.lua: POST the small share with the bearer token",
            load.shown("http://127.0.0.1:PORT/api/v0/shared-chats")
                .replace(&script.display().to_string(), "post.lua")
        ));
        let mut table = Table::new(&["", "p50", "p99", "throughput"]);
        table.row(vec![
            format!(
                "500-message share ({}), one client, sequential",
                bytes(large.len() as u64)
            ),
            millis(p50),
            millis(p99),
            format!(
                "{:.0} /s",
                1.0 / median(&times.iter().map(Duration::as_secs_f64).collect::<Vec<_>>())
            ),
        ]);
        table.row(vec![
            format!(
                "small share ({}), 16 concurrent clients (wrk)",
                bytes(small.len() as u64)
            ),
            millis(creates.p50),
            millis(creates.p99),
            format!("{} creates/s", rate(creates.requests_per_sec)),
        ]);
        self.report.sections.push(Section {
            title: "Publishing".into(),
            text: vec![
                "Times are client-side over loopback (send until the whole 201 answer is read), \
                 against a fresh SQLite database (WAL) with a bearer token. The rate limits \
                 (60 shares/min per IP, 120 per token by default) are lifted for the bench with \
                 `--rate-limit-ip 0 --rate-limit-token 0`."
                    .into(),
            ],
            table,
        });
        self.report.targets.push(Target {
            what: "publish a ~1 MB share, p50".into(),
            target: "≤ 20 ms".into(),
            measured: millis(p50),
            met: p50 <= Duration::from_millis(20),
        });
        self.report.targets.push(Target {
            what: "small creates/s, 16 concurrent clients, SQLite".into(),
            target: "≥ 500/s".into(),
            measured: format!("{:.0}/s", creates.requests_per_sec),
            met: creates.requests_per_sec >= 500.0,
        });
        drop(server);
        Ok(())
    }
}
