//! The idempotency store: what a buy made under an `Idempotency-Key` became, per buyer and key,
//! so a retry is answered as the first attempt was instead of buying again.

use std::future::Future;
use std::time::Duration;

use flashsale_domain::{IdempotencyKey, Refusal, RequestId, Timestamp, UserId};

use super::PortFailure;

/// Why the idempotency store could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyError {
    /// The backing store did not answer; nothing is known to have changed.
    #[error("the idempotency store is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
}

/// How long records live, fixed per store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyTimes {
    /// A record is forgotten this long after its first attempt began; the key may then be used
    /// again for anything.
    pub ttl: Duration,
    /// An attempt holds its record this long at most: past it (the process died, or the
    /// attempt is stuck), a retry resumes the record with its request id.
    pub lease: Duration,
}

/// One buyer's key and the request it was first used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyClaim {
    /// The buyer; keys are scoped to them.
    pub buyer: UserId,
    /// The client's key.
    pub key: IdempotencyKey,
    /// What the request was (product and body), compared on every retry.
    pub fingerprint: String,
}

/// What the key's first attempt ended with, kept to answer retries the same way. Transient
/// failures (rate limits, an unavailable dependency) are never kept: a retry runs again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    /// The purchase was accepted under this request id.
    Accepted {
        /// The request id the buyer polls.
        request_id: RequestId,
        /// When the units were taken.
        reserved_at: Timestamp,
    },
    /// The sale's rules refused it (never [`Refusal::RateLimited`] nor [`Refusal::Paused`],
    /// which pass).
    Refused(Refusal),
    /// The buyer already held units of the product, under `holder` when it was known.
    AlreadyPurchased {
        /// The request holding the units.
        holder: Option<RequestId>,
    },
    /// No sale for the product.
    UnknownProduct,
}

/// What [`IdempotencyStore::begin`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begun {
    /// No live record: one now exists, held by this attempt, for the candidate request id.
    Started,
    /// A record whose attempt ended without an outcome, or whose lease ran out: this attempt
    /// now holds it and must use its request id (the first attempt may have reserved under it).
    Resumed {
        /// The record's request id.
        request_id: RequestId,
    },
    /// Another attempt holds the record; nothing changed.
    InProgress,
    /// The key's purchase ended with this outcome; nothing changed.
    Completed(KeyOutcome),
    /// The key was first used for another request (another fingerprint); nothing changed.
    Mismatch,
}

/// How an attempt ends its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// The outcome to answer every retry with, until the record expires.
    Completed(KeyOutcome),
    /// Whether anything was reserved is unknown: the record keeps its request id and a retry
    /// resumes it at once.
    Unknown,
    /// Nothing was done (or it was undone): the record goes, a retry starts afresh.
    Nothing,
}

/// Records per (buyer, key), each expiring [`KeyTimes::ttl`] after it began; decided by the
/// caller's clock `now`, like the stock gate.
pub trait IdempotencyStore: Clone + Send + Sync + 'static {
    /// In one atomic step: starts a record for `claim` with `candidate` as its request id and
    /// `now` + the lease as its holder's deadline, unless a live record exists, which is then
    /// compared and reported (see [`Begun`]).
    ///
    /// # Errors
    /// [`IdempotencyError::Unavailable`] when the backing store fails.
    fn begin(
        &self,
        claim: &KeyClaim,
        candidate: &RequestId,
        now: Timestamp,
    ) -> impl Future<Output = Result<Begun, IdempotencyError>> + Send;

    /// Ends the attempt holding the record of `buyer`'s `key` under `request_id`; does nothing
    /// when the record is gone or holds another request id.
    ///
    /// # Errors
    /// [`IdempotencyError::Unavailable`] when the backing store fails; calling again is safe.
    fn finish(
        &self,
        buyer: &UserId,
        key: &IdempotencyKey,
        request_id: &RequestId,
        finish: &Finish,
    ) -> impl Future<Output = Result<(), IdempotencyError>> + Send;
}
