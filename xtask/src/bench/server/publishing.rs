//! Publishing: one large share at a time, small shares from 16 clients, a
//! share with ten 1 MiB images, and one of them served beside nginx.

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
        let images = serde_json::to_vec(&fixture::image_chat(Utc::now()))?;
        let image_times = step("publish a share with ten 1 MiB images", || {
            let latencies = publish::latencies(&self.http, &base, &token, &images, samples);
            self.runtime.block_on(latencies)
        })?;
        let [image_p50, image_p99] =
            [0.5, 0.99].map(|q| quantile(&image_times, q).unwrap_or_default());
        let served = self.serve_image(&server, &token, &images)?;
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
            [
                format!(
                    "ten 1 MiB images ({}), sequential, stored once",
                    bytes(images.len() as u64)
                ),
                millis(image_p50),
                millis(image_p99),
                String::new(),
            ],
            served[0].clone(),
            served[1].clone(),
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

    /// Rows: one image of a share, from the share-server, then (the same
    /// bytes at the same path) from nginx, 16 clients (wrk).
    fn serve_image(
        &self,
        server: &ShareServer,
        token: &str,
        body: &[u8],
    ) -> Result<[[String; 4]; 2]> {
        let base = server.url("");
        let id = publish::create(&self.http, &base, token, body);
        let image = fixture::image(0);
        let sha = chat_core::attachment::sha256_hex(&image);
        let path = format!("/shared/{}/files/{sha}", self.runtime.block_on(id)?);
        let file = self.dir.join("images/www").join(&path[1..]);
        fs::create_dir_all(file.parent().context("a file in no folder")?)?;
        fs::write(&file, image)?;
        let nginx = Nginx::nginx(&self.dir.join("images"), self.options.cores)?;
        let load = Load::new(16, self.options.duration);
        let row = |who: &str, url: String| {
            let r = step(&format!("GET one 1 MiB image: {who}"), || load.run(&url))?;
            let throughput = format!("{} /s", rate(r.requests_per_sec));
            anyhow::Ok([
                format!("one 1 MiB image: {who}"),
                millis(r.p50),
                millis(r.p99),
                throughput,
            ])
        };
        Ok([
            row("share-server", server.url(&path))?,
            row("nginx", nginx.url(&path))?,
        ])
    }
}
