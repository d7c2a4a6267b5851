//! This machine's network addresses, for "Share on my network": the ones a
//! colleague's computer could reach (no loopback, no IPv6 link-local, which
//! needs an interface name in the URL).

use std::net::IpAddr;

pub use contract::NetworkAddress;

/// The addresses links could use, IPv4 first, then by interface.
pub fn addresses() -> std::io::Result<Vec<NetworkAddress>> {
    let interfaces = if_addrs::get_if_addrs()?;
    let mut found: Vec<(bool, NetworkAddress)> = interfaces
        .into_iter()
        .filter(|interface| shareable(interface.ip()))
        .map(|interface| {
            (
                interface.ip().is_ipv6(),
                NetworkAddress {
                    ip: interface.ip().to_string(),
                    interface: interface.name,
                },
            )
        })
        .collect();
    found.sort_by(|a, b| (a.0, &a.1.interface).cmp(&(b.0, &b.1.interface)));
    found.dedup_by(|a, b| a.1.ip == b.1.ip);
    Ok(found.into_iter().map(|(_, address)| address).collect())
}

/// Whether a URL's host (a name, an IPv4 address, an IPv6 address with or
/// without its brackets) names this computer only: `localhost` or loopback.
pub fn is_this_computer(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether another computer could reach this address.
fn shareable(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_unspecified() && !v4.is_broadcast(),
        IpAddr::V6(v6) => !v6.is_loopback() && !v6.is_unspecified() && !v6.is_unicast_link_local(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_and_localhost_are_this_computer() {
        for host in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
        ] {
            assert!(is_this_computer(host), "{host}");
        }
        for host in [
            "192.168.1.20",
            "api.openai.com",
            "localhost.example.com",
            "[fe80::1]",
            "",
        ] {
            assert!(!is_this_computer(host), "{host}");
        }
    }

    #[test]
    fn only_addresses_another_computer_could_reach_are_offered() {
        for ip in ["127.0.0.1", "::1", "0.0.0.0", "fe80::1", "255.255.255.255"] {
            assert!(!shareable(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["192.168.1.20", "10.0.0.5", "fd00::5", "2001:db8::1"] {
            assert!(shareable(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn this_machines_addresses_are_listed_without_loopback() {
        let listed = addresses().unwrap();
        assert!(listed.iter().all(|a| a.ip != "127.0.0.1"), "{listed:?}");
        assert!(
            listed.iter().all(|a| shareable(a.ip.parse().unwrap())),
            "{listed:?}"
        );
    }
}
