//! Publishing: one large share at a time, small shares from 16 clients, a
//! share with ten 1 MiB images, and one of them served beside nginx.

use super::throughput::run_each;
use super::*;

impl Bench<'_> {
    pub(super) fn publishing(&mut self) -> Result<()> {
        let database_url = format!("sqlite://{}", self.dir.join("publish.db").display());
        let token = procs::add_user(&self.binary, &database_url, "bench")?;
        let server = self.start_server(&self.dir.join("publish.db"))?;
        let [large, small, images] = [
            fixture::large_chat,
            fixture::small_chat,
            fixture::image_chat,
        ]
        .map(|chat| serde_json::to_vec(&chat(Utc::now())));
        let (large, small, images) = (large?, small?, images?);
        let samples = self.options.publish_samples;
        let (base, size) = (server.url(""), |body: &[u8]| bytes(body.len() as u64));
        let timed = |name: &str, body: &[u8]| {
            let latencies = publish::latencies(&self.http, &base, &token, body, samples);
            let times = step(name, || self.runtime.block_on(latencies))?;
            let seconds: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
            let [p50, p99] = [0.5, 0.99].map(|q| quantile(&times, q).unwrap_or_default());
            anyhow::Ok((p50, p99, 1.0 / median(&seconds)))
        };
        let (p50, p99, per_second) = timed(&format!("publish a {} share", size(&large)), &large)?;
        let (image_p50, image_p99, _) = timed("publish a share with ten 1 MiB images", &images)?;
        let served = self.serve_image(&server, &token, &images)?;

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
        let creates_per_sec = creates.requests_per_sec;
        let mut rows = vec![
            [
                format!(
                    "500-message share ({}), one client, sequential",
                    size(&large)
                ),
                millis(p50),
                millis(p99),
                format!("{per_second:.0} /s"),
            ],
            [
                format!(
                    "small share ({}), 16 concurrent clients (wrk)",
                    size(&small)
                ),
                millis(creates.p50),
                millis(creates.p99),
                format!("{} creates/s", rate(creates_per_sec)),
            ],
            [
                format!(
                    "ten 1 MiB images ({}), sequential, stored once",
                    size(&images)
                ),
                millis(image_p50),
                millis(image_p99),
                String::new(),
            ],
        ];
        rows.extend(served);
        let wrk = wrk.replace(&script.display().to_string(), "post.lua");
        self.set(
            "publishing",
            json!({"rows": rows, "samples": samples, "wrk": wrk}),
        );
        let fast = p50 <= Duration::from_millis(20);
        self.targets.extend([
            Target::new("publish a ~1 MB share, p50", "≤ 20 ms", millis(p50), fast),
            Target::new(
                "small creates/s, 16 concurrent clients, SQLite",
                "≥ 500/s",
                format!("{creates_per_sec:.0}/s"),
                creates_per_sec >= 500.0,
            ),
        ]);
        Ok(())
    }

    /// Rows: one image of a share, from the share-server, then (the same
    /// bytes at the same path) from nginx, 16 clients (wrk).
    fn serve_image(
        &self,
        server: &ShareServer,
        token: &str,
        body: &[u8],
    ) -> Result<Vec<[String; 4]>> {
        let base = server.url("");
        let id = self
            .runtime
            .block_on(publish::create(&self.http, &base, token, body))?;
        let image = fixture::image(0);
        let sha = chat_core::attachment::sha256_hex(&image);
        let path = format!("/shared/{id}/files/{sha}");
        write_file(&self.dir.join("images/www").join(&path[1..]), &image)?;
        let nginx = Nginx::nginx(&self.dir.join("images"), self.options.cores)?;
        let load = Load::new(16, self.options.duration);
        let runs = step("GET one 1 MiB image", || {
            run_each(&load, &[server, &nginx], &path)
        })?;
        let rows = runs
            .iter()
            .zip(["share-server", "nginx"])
            .map(|((r, _), who)| {
                let throughput = format!("{} /s", rate(r.requests_per_sec));
                [
                    format!("one 1 MiB image: {who}"),
                    millis(r.p50),
                    millis(r.p99),
                    throughput,
                ]
            });
        Ok(rows.collect())
    }
}
