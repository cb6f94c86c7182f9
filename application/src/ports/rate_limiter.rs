//! The rate limiter: a token bucket per client address and per user.

use std::future::Future;
use std::net::IpAddr;

use flashsale_domain::{RateDecision, UserId};

/// Whose bucket a request draws from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateKey {
    /// The client's address.
    Ip(IpAddr),
    /// The authenticated buyer.
    User(UserId),
}

/// Why the limiter could not decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitError {
    /// The backing store did not answer.
    #[error("the rate limiter is unavailable: {0}")]
    Unavailable(String),
}

/// Decides whether a request may pass; each key kind has its own configured policy.
pub trait RateLimiter: Clone + Send + Sync + 'static {
    /// Takes one token from the key's bucket, if there is one.
    ///
    /// # Errors
    /// [`RateLimitError::Unavailable`] when the backing store fails.
    fn check(
        &self,
        key: &RateKey,
    ) -> impl Future<Output = Result<RateDecision, RateLimitError>> + Send;
}
