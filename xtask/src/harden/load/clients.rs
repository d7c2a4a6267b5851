//! The well-behaved clients: one keep-alive connection each, sending the
//! requests of its class until the deadline, and what they saw.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use super::{Plan, REQUEST_TIMEOUT};

/// What a connection does, request after request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Class {
    /// `GET /shared/{id}`, identity, gzip and br in turn.
    Page,
    /// `GET /api/v0/shared-chats/{id}`, `/shared/{id}.json` and `.md`, each
    /// asked again with `If-None-Match` (must answer 304).
    Json,
    /// `POST /api/v0/shared-chats` of a small chat.
    Publish,
    /// `GET /api/v0/shared-chats?limit=20&offset=…`.
    List,
}

impl Class {
    /// 3/8 page readers, 1/4 JSON readers, 3/16 publishers, 3/16 listers,
    /// dealt in turn so that any four connections have one of each.
    pub(super) fn for_connection(index: usize) -> Self {
        const DEAL: [Class; 16] = {
            use Class::{Json as J, List as L, Page as P, Publish as U};
            [P, J, U, L, P, J, P, U, L, J, P, U, L, J, P, P]
        };
        DEAL[index % DEAL.len()]
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Class::Page => "page GET",
            Class::Json => "JSON GET (+304)",
            Class::Publish => "API POST",
            Class::List => "API list",
        }
    }
}

/// Errors of well-behaved clients, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Errors {
    pub connect: u64,
    pub read: u64,
    pub timeout: u64,
}

impl Errors {
    pub(super) fn add(&mut self, other: &Errors) {
        self.connect += other.connect;
        self.read += other.read;
        self.timeout += other.timeout;
    }

    pub fn total(&self) -> u64 {
        self.connect + self.read + self.timeout
    }
}

/// What the connections of one class saw.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) connections: usize,
    pub(super) requests: u64,
    pub(super) statuses: BTreeMap<u16, u64>,
    pub(super) unexpected: BTreeMap<u16, u64>,
    pub(super) errors: Errors,
    /// Microseconds from sending to the last byte of the answer.
    pub(super) latencies: Vec<u32>,
    pub(super) error_samples: Vec<String>,
}

impl Tally {
    pub(super) fn merge(&mut self, other: Tally) {
        self.connections += other.connections;
        self.requests += other.requests;
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        for (status, count) in other.unexpected {
            *self.unexpected.entry(status).or_default() += count;
        }
        self.errors.add(&other.errors);
        self.latencies.extend(other.latencies);
        for sample in other.error_samples {
            if self.error_samples.len() < 5 {
                self.error_samples.push(sample);
            }
        }
    }

    fn error(&mut self, error: &reqwest::Error) {
        if error.is_timeout() {
            self.errors.timeout += 1;
        } else if error.is_connect() {
            self.errors.connect += 1;
        } else {
            self.errors.read += 1;
        }
        if self.error_samples.len() < 5 {
            self.error_samples.push(format!("{error:#}"));
        }
    }
}

/// One keep-alive connection sending requests of its class until the deadline.
pub(super) async fn user(class: Class, index: usize, plan: Arc<Plan>, deadline: Instant) -> Tally {
    let mut tally = Tally {
        connections: 1,
        ..Tally::default()
    };
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(REQUEST_TIMEOUT)
        .tcp_nodelay(true)
        .no_proxy()
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tally.error(&error);
            return tally;
        }
    };
    let token = &plan.tokens[index % plan.tokens.len()];
    // The last answer's URL and ETag, asked again conditionally (JSON class).
    let mut revalidate: Option<(String, String)> = None;
    let mut turn = index;
    while Instant::now() < deadline {
        turn += 1;
        let id = &plan.pages[turn % plan.pages.len()];
        let (request, expected): (reqwest::RequestBuilder, &[u16]) = match class {
            Class::Page => {
                let request = client.get(format!("{}/shared/{id}", plan.base));
                let request = match turn % 3 {
                    0 => request,
                    1 => request.header(ACCEPT_ENCODING, "gzip"),
                    _ => request.header(ACCEPT_ENCODING, "br, gzip"),
                };
                (request, &[200])
            }
            Class::Json => match revalidate.take() {
                Some((url, etag)) => (client.get(url).header(IF_NONE_MATCH, etag), &[304]),
                None => {
                    let path = match turn % 3 {
                        0 => format!("/api/v0/shared-chats/{id}"),
                        1 => format!("/shared/{id}.json"),
                        _ => format!("/shared/{id}.md"),
                    };
                    (client.get(format!("{}{path}", plan.base)), &[200])
                }
            },
            Class::Publish => (
                client
                    .post(format!("{}/api/v0/shared-chats", plan.base))
                    .header(AUTHORIZATION, format!("Bearer {token}"))
                    .header(CONTENT_TYPE, "application/json")
                    .body(plan.publish_body.clone()),
                &[201],
            ),
            Class::List => (
                client
                    .get(format!(
                        "{}/api/v0/shared-chats?limit=20&offset={}",
                        plan.base,
                        turn * 7 % 200
                    ))
                    .header(AUTHORIZATION, format!("Bearer {token}")),
                &[200],
            ),
        };
        let started = Instant::now();
        tally.requests += 1;
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                tally.error(&error);
                continue;
            }
        };
        let status = response.status().as_u16();
        let url = response.url().to_string();
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Err(error) = response.bytes().await {
            tally.error(&error);
            continue;
        }
        let micros = u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX);
        tally.latencies.push(micros);
        *tally.statuses.entry(status).or_default() += 1;
        if !expected.contains(&status) {
            *tally.unexpected.entry(status).or_default() += 1;
        }
        if class == Class::Json && status == 200 {
            revalidate = etag.map(|etag| (url, etag));
        }
    }
    tally
}
