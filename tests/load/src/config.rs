//! What a run does: target, buyers, products, load model, and checks.

use std::time::Duration;

/// How requests arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// `users` virtual buyers, each sending `requests_per_user` buys back to back (or until
    /// `duration` passes, when set): throughput follows the server.
    Closed {
        /// Requests each user sends.
        requests_per_user: u32,
        /// Stop sending new requests after this long.
        duration: Option<Duration>,
    },
    /// Requests due at a rate ramping linearly from `start_rate` to `rate` over `ramp`, then
    /// constant; `requests` in total. Latency counts from each request's due time.
    Open {
        /// Requests per second after the ramp.
        rate: f64,
        /// Requests per second at the start of the ramp.
        start_rate: f64,
        /// How long the ramp lasts (zero: constant rate).
        ramp: Duration,
        /// Requests in total.
        requests: u64,
    },
    /// Every request due at once: `requests` in total.
    Burst {
        /// Requests in total.
        requests: u64,
    },
}

/// One run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The service, e.g. `http://127.0.0.1:8080`: set-up, warm-up and checks go there.
    pub base_url: String,
    /// Further API processes of the same service: buyer `n` sends its buys to the
    /// `n mod (1 + len)`-th of `base_url` and these, as a load balancer that keeps a buyer
    /// on one process would.
    pub other_apis: Vec<String>,
    /// The service's token secret, to mint buyer and admin tokens.
    pub token_secret: String,
    /// Prefix of the run's product and user ids (`[A-Za-z0-9-]`, unique per run).
    pub run_id: String,
    /// Virtual buyers.
    pub users: u32,
    /// Products on sale.
    pub products: u32,
    /// Stock of each product.
    pub stock: u32,
    /// The load model.
    pub model: Model,
    /// Most requests in flight, i.e. keep-alive connections.
    pub connections: usize,
    /// Longest wait for one answer; slower ones count as timeouts.
    pub request_timeout: Duration,
    /// Header carrying each user's fake client address (`x-forwarded-for`), if the service
    /// trusts one; `None` sends none.
    pub forwarded_for: Option<String>,
    /// Users per fake client address (1: every buyer has its own address).
    pub users_per_address: u32,
    /// Longest wait for every accepted order to reach the system of record.
    pub drain_timeout: Duration,
    /// MariaDB/MySQL URL of the system of record (production profile); without it the audit
    /// endpoint's counts are used.
    pub mysql_url: Option<String>,
    /// Whether to poll every accepted purchase's result after the drain.
    pub check_results: bool,
    /// A file created once every request is answered; the run waits until it is removed before
    /// the drain wait, so a script can act between the two (the bench counts the API's Redis
    /// commands, then starts the worker).
    pub answered_marker: Option<std::path::PathBuf>,
}

impl RunConfig {
    /// A closed-model run with the defaults of the original scenario: `users` buyers, one
    /// request each, connections as many as users (at most 1,000).
    pub fn closed(base_url: &str, token_secret: &str, run_id: &str, users: u32) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            other_apis: Vec::new(),
            token_secret: token_secret.to_owned(),
            run_id: run_id.to_owned(),
            users,
            products: 1,
            stock: 100,
            model: Model::Closed {
                requests_per_user: 1,
                duration: None,
            },
            connections: (users as usize).clamp(1, 1_000),
            request_timeout: Duration::from_secs(10),
            forwarded_for: Some("x-forwarded-for".to_owned()),
            users_per_address: 1,
            drain_timeout: Duration::from_secs(120),
            mysql_url: None,
            check_results: true,
            answered_marker: None,
        }
    }

    /// Every API process buyers are spread over: `base_url` first.
    pub fn apis(&self) -> Vec<String> {
        std::iter::once(self.base_url.clone())
            .chain(
                self.other_apis
                    .iter()
                    .map(|url| url.trim_end_matches('/').to_owned()),
            )
            .collect()
    }

    /// Requests the model sends when it is not bounded by time.
    pub fn planned_requests(&self) -> u64 {
        match &self.model {
            Model::Closed {
                requests_per_user, ..
            } => u64::from(self.users) * u64::from(*requests_per_user),
            Model::Open { requests, .. } | Model::Burst { requests } => *requests,
        }
    }

    /// Checks the values that would make the run meaningless.
    ///
    /// # Errors
    /// [`crate::LoadError::Config`] naming the value.
    pub fn validate(&self) -> Result<(), crate::LoadError> {
        let bad = |what: &str| Err(crate::LoadError::Config(what.to_owned()));
        if self.users == 0 || self.products == 0 {
            return bad("users and products must be at least 1");
        }
        if self.connections == 0 || self.users_per_address == 0 {
            return bad("connections and users-per-address must be at least 1");
        }
        if self.run_id.is_empty()
            || !self
                .run_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return bad("run-id must be non-empty [A-Za-z0-9-]");
        }
        if let Model::Open {
            rate, start_rate, ..
        } = &self.model
        {
            if !(*rate > 0.0 && *start_rate > 0.0) {
                return bad("rates must be positive");
            }
        }
        Ok(())
    }
}
