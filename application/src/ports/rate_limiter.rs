//! The client limiter: a token bucket per client address, kept in each API process, that sheds
//! a flooding client before its requests reach the stock gate.
//!
//! Per-product limits (per client and per buyer) live in the stock gate's atomic step
//! ([`super::GateLimits`]); this one is global across products and local to the process, so a
//! client spread over N API processes by a load balancer gets up to N times its rate.

use std::future::Future;
use std::net::IpAddr;

use flashsale_domain::RateDecision;

use super::PortFailure;

/// Why the limiter could not decide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateLimitError {
    /// The backing store did not answer.
    #[error("the rate limiter is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
}

/// Decides whether a client's request may pass.
pub trait RateLimiter: Clone + Send + Sync + 'static {
    /// Takes one token from the client's bucket, if there is one.
    ///
    /// # Errors
    /// [`RateLimitError::Unavailable`] when the backing store fails.
    fn check(
        &self,
        client: IpAddr,
    ) -> impl Future<Output = Result<RateDecision, RateLimitError>> + Send;
}
