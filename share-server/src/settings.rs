//! The request-independent settings the domain and the handlers read,
//! derived once from [`crate::config::Config`] when the server starts.

use std::sync::Arc;

use crate::config::Config;
use crate::hosts::AllowedHosts;
use crate::ids::ShareId;

/// What the server was configured with, and what is derived from it once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Public base URL without a trailing slash.
    pub public_url: String,
    pub allowed_hosts: Arc<AllowedHosts>,
    /// The limits and the expiry, publishing and proxy policy, as configured.
    pub config: Config,
}

impl Settings {
    /// The public page of a share.
    pub fn share_url(&self, id: &ShareId) -> String {
        format!("{}/shared/{id}", self.public_url)
    }
}
