//! Publishing: one large share at a time, and small shares from 16 clients.

use super::*;

impl Bench<'_> {
    pub(super) fn publishing(&mut self) -> Result<()> {
        let database_url = format!("sqlite://{}", self.dir.join("publish.db").display());
        let token = procs::add_user(&self.binary, &database_url, "bench")?;
        let server = self.start_server(&self.dir.join("publish.db"))?;
        let large = serde_json::to_vec(&fixture::large_chat(Utc::now()))?;
        let small = serde_json::to_vec(&fixture::small_chat(Utc::now()))?;
        let samples = self.options.publish_samples;
        let base = server.url("");
        let name = format!(
            "publish a {} share {samples} times",
            bytes(large.len() as u64)
        );
        let times = step(&name, || {
            let latencies = publish::latencies(&self.http, &base, &token, &large, samples);
            self.runtime.block_on(latencies)
        })?;
        let p50 = quantile(&times, 0.5).unwrap_or_default();
        let p99 = quantile(&times, 0.99).unwrap_or_default();
        let per_second = 1.0 / median(&times.iter().map(Duration::as_secs_f64).collect::<Vec<_>>());

        let body_file = self.dir.join("small.json");
        fs::write(&body_file, &small)?;
        let script = self.dir.join("post.lua");
        fs::write(&script, wrk::post_script(&body_file, &token)?)?;
        let load = Load {
            script: Some(script.clone()),
            ..Load::new(16, self.options.duration)
        };
        let creates = step("16 concurrent clients publishing small shares", || {
            load.run(&server.url("/api/v0/shared-chats"))
        })?;
        let wrk = load.shown("http://127.0.0.1:PORT/api/v0/shared-chats");
        let large_size = bytes(large.len() as u64);
        let small_size = bytes(small.len() as u64);
        let rows = [
            [
                format!("500-message share ({large_size}), one client, sequential"),
                millis(p50),
                millis(p99),
                format!("{per_second:.0} /s"),
            ],
            [
                format!("small share ({small_size}), 16 concurrent clients (wrk)"),
                millis(creates.p50),
                millis(creates.p99),
                format!("{} creates/s", rate(creates.requests_per_sec)),
            ],
        ];
        let wrk = wrk.replace(&script.display().to_string(), "post.lua");
        self.set(
            "publishing",
            json!({"rows": rows, "samples": samples, "wrk": wrk}),
        );
        let per_sec = creates.requests_per_sec;
        let fast = p50 <= Duration::from_millis(20);
        self.targets.extend([
            Target::new("publish a ~1 MB share, p50", "≤ 20 ms", millis(p50), fast),
            Target::new(
                "small creates/s, 16 concurrent clients, SQLite",
                "≥ 500/s",
                format!("{per_sec:.0}/s"),
                per_sec >= 500.0,
            ),
        ]);
        drop(server);
        Ok(())
    }
}
