//! A second host for network tests: a network namespace joined to this one
//! by a veth pair, with addresses from 198.18.0.0/15 (the range set aside for
//! such tests), removed on drop. Needs root (`ip netns`): CI runs as root
//! and must run the tests that use it; elsewhere they say they did not run.

use std::process::{Command, Output};

/// A namespace and the veth pair into it, removed on drop.
pub struct SecondHost {
    namespace: String,
    host_link: String,
    pub host_ip: String,
}

fn run(args: &[&str]) -> Output {
    let output = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

impl SecondHost {
    pub fn create() -> Option<Self> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        if !root {
            assert!(
                std::env::var_os("CI").is_none(),
                "this test needs root for its second host (ip netns), and CI runs as root"
            );
            eprintln!("NOT RUN: this test needs root (ip netns) for its second host");
            return None;
        }
        // Unique per process and host, short enough for an interface name (15).
        static MADE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let nth = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{:x}n{nth}", std::process::id() % 0xffff);
        let namespace = format!("parlor-t{tag}");
        let host_link = format!("prl{tag}h");
        let peer_link = format!("prl{tag}p");
        let octet = (std::process::id() + nth * 7) % 250 + 1;
        let host_ip = format!("198.18.{octet}.1");
        let peer_ip = format!("198.18.{octet}.2");
        let host = Self {
            namespace: namespace.clone(),
            host_link: host_link.clone(),
            host_ip: host_ip.clone(),
        };
        run(&["ip", "netns", "add", &namespace]);
        run(&[
            "ip", "link", "add", &host_link, "type", "veth", "peer", "name", &peer_link,
        ]);
        run(&["ip", "link", "set", &peer_link, "netns", &namespace]);
        run(&[
            "ip",
            "addr",
            "add",
            &format!("{host_ip}/30"),
            "dev",
            &host_link,
        ]);
        run(&["ip", "link", "set", &host_link, "up"]);
        let inside = |args: &[&str]| {
            let mut all = vec!["ip", "netns", "exec", namespace.as_str()];
            all.extend_from_slice(args);
            run(&all);
        };
        inside(&[
            "ip",
            "addr",
            "add",
            &format!("{peer_ip}/30"),
            "dev",
            &peer_link,
        ]);
        inside(&["ip", "link", "set", &peer_link, "up"]);
        inside(&["ip", "link", "set", "lo", "up"]);
        Some(host)
    }

    /// `curl` from inside the namespace: (status, body). Off the test's
    /// runtime thread, which also runs the server being fetched.
    pub async fn fetch(&self, url: &str, host_header: Option<&str>) -> (u16, String) {
        let mut args: Vec<String> = ["netns", "exec", &self.namespace, "curl", "-sS"]
            .into_iter()
            .chain(["--max-time", "10", "-w", "\n%{http_code}"])
            .map(str::to_owned)
            .collect();
        if let Some(host) = host_header {
            args.extend(["-H".to_owned(), format!("Host: {host}")]);
        }
        args.push(url.to_owned());
        let output = tokio::process::Command::new("ip")
            .args(&args)
            .output()
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            eprintln!("curl {url}: {}", String::from_utf8_lossy(&output.stderr));
        }
        let (body, status) = text.rsplit_once('\n').unwrap_or(("", "0"));
        (status.trim().parse().unwrap_or(0), body.to_owned())
    }
}

impl Drop for SecondHost {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["link", "del", &self.host_link])
            .output();
        let _ = Command::new("ip")
            .args(["netns", "del", &self.namespace])
            .output();
    }
}
