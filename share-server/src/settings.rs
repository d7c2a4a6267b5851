//! The request-independent settings the domain and the handlers read,
//! derived once from [`crate::config::Config`] when the server starts.

use std::sync::Arc;
use std::time::Duration;

use crate::hosts::AllowedHosts;
use crate::ids::ShareId;

/// What the server was configured with, in the form the code uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL without a trailing slash.
    pub public_url: String,
    pub allow_anonymous: bool,
    pub body_limit: usize,
    pub default_expiry: Option<Duration>,
    pub max_expiry: Option<Duration>,
    pub trust_forwarded_for: bool,
    pub request_timeout: Duration,
    pub allowed_hosts: Arc<AllowedHosts>,
}

impl Settings {
    /// The public page of a share.
    pub fn share_url(&self, id: &ShareId) -> String {
        format!("{}/shared/{id}", self.public_url)
    }
}
