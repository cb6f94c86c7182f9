//! The stock gate: the one place where units are taken, atomically, under a stampede.

use std::future::Future;
use std::net::IpAddr;

use flashsale_domain::{
    Order, ProductId, RatePolicy, Refusal, Release, RequestId, Reservation, ReservationRequest,
    RestockId, SaleWindow, Timestamp, UserId,
};

use super::{PortFailure, StockSnapshot};

/// A reservation, or the reason nothing was taken.
pub type ReserveOutcome = Result<Reservation, Refusal>;

/// What loading a sale's stock into the gate did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOutcome {
    /// The gate had no state for the sale and now holds the snapshot.
    Loaded,
    /// The gate already held live state for the sale (a sale under way); it was kept untouched.
    KeptLive,
}

/// What [withdrawing](StockGate::withdraw) or [cancelling](StockGate::cancel) an in-flight
/// reservation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withdrawal {
    /// Its units are back in stock, remembered as withdrawn.
    Withdrawn,
    /// Nothing: it was not in flight (never taken, already ended, or settled as an order).
    NotHeld,
    /// Nothing: reconciliation has [re-published](StockGate::claim_for_republish) it, so its
    /// order may yet be stored; its outcome is the queue's, and the units stay taken.
    Republished,
}

/// The rate limits a gate applies inside its atomic step, per product: a bucket per (client
/// address, product) and one per (buyer, product). `None` turns one off.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GateLimits {
    /// Attempts per client address on one product.
    pub per_client: Option<RatePolicy>,
    /// Attempts per buyer on one product.
    pub per_buyer: Option<RatePolicy>,
}

/// Why the gate could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockGateError {
    /// The gate holds no sale for this product.
    #[error("no sale is loaded for product {0}")]
    UnknownProduct(ProductId),
    /// The gate's backing store could not be asked (no connection, connection refused) or
    /// refused the command: it certainly did not carry the operation out.
    #[error("the stock gate is unavailable: {0}")]
    Unavailable(#[source] PortFailure),
    /// The operation was sent but its answer was lost (a timeout, a connection reset or closed
    /// while waiting): the store may or may not have carried it out.
    #[error("the stock gate's answer was lost: {0}")]
    OutcomeUnknown(#[source] PortFailure),
    /// The request was [cancelled](StockGate::cancel) after its answer was given up for lost:
    /// it takes nothing, ever. A buyer who still wants the unit buys with a new request.
    #[error("request {0} was cancelled; it takes nothing")]
    Cancelled(RequestId),
}

/// Atomic stock reservation, with the same rules as [`flashsale_domain::Inventory`].
pub trait StockGate: Clone + Send + Sync + 'static {
    /// In one atomic step, all at the caller's clock `now` (the only clock that decides): takes
    /// a token from the (client, product) and (buyer, product) buckets of the gate's
    /// [`GateLimits`] ([`Refusal::RateLimited`] when one is empty), then checks the sale window,
    /// the buyer's marker, the per-user limit and the stock; on success takes the units, sets
    /// the marker and records the reservation as in flight. That in-flight record is the
    /// purchase's pending state ([`StockGate::pending`]); nothing else is written.
    ///
    /// Idempotent by request id: when the buyer's units are held by this very request id (in
    /// flight or settled), the gate answers that reservation again, before any bucket or rule,
    /// and takes nothing more; so a caller unsure whether a reserve happened (its answer was
    /// lost) may run it again with the same request id. The quantity is the held one; the
    /// instant is the in-flight record's, or `now` once settled.
    ///
    /// A gate may answer [`Refusal::SoldOut`] from its own memory once it saw the product sold
    /// out, until units can come back (a release, a reload) or a short safety bound passes;
    /// that answer may pre-empt a replay, so a caller retrying a request id asks
    /// [`StockGate::holder`] when refused as sold out.
    ///
    /// A request id whose reservation was [cancelled](StockGate::cancel) takes nothing, ever.
    ///
    /// # Errors
    /// [`StockGateError::UnknownProduct`] when no sale is loaded for the product;
    /// [`StockGateError::Cancelled`] for a cancelled request id (nothing was taken);
    /// [`StockGateError::Unavailable`] when the step certainly did not run (nothing was taken); [`StockGateError::OutcomeUnknown`] when it may have
    /// run and its answer was lost (the caller must not say nothing was taken: it
    /// [cancels](StockGate::cancel) the request first).
    fn reserve(
        &self,
        request: ReservationRequest,
        client: Option<IpAddr>,
        now: Timestamp,
    ) -> impl Future<Output = Result<ReserveOutcome, StockGateError>> + Send;

    /// The in-flight reservation of this request, if it is in flight: a purchase accepted and
    /// not yet settled, released or discarded.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn pending(
        &self,
        product: &ProductId,
        request: &RequestId,
    ) -> impl Future<Output = Result<Option<Reservation>, StockGateError>> + Send;

    /// The request holding the buyer's marker for the product (in flight or persisted), if any.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn holder(
        &self,
        product: &ProductId,
        user: &UserId,
    ) -> impl Future<Output = Result<Option<RequestId>, StockGateError>> + Send;

    /// How many reservations of the product are in flight, counted in O(1).
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn in_flight_count(
        &self,
        product: &ProductId,
    ) -> impl Future<Output = Result<u64, StockGateError>> + Send;

    /// Returns a reservation's units and clears the buyer's marker, exactly once however often
    /// it is called for the same reservation.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails; calling again is safe.
    fn release(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<Release, StockGateError>> + Send;

    /// Releases a reservation whose publish failed, like [`StockGate::release`], only while it is
    /// in flight and reconciliation has not [claimed](StockGate::claim_for_republish) it, and
    /// remembers it as withdrawn: should its message reach the system of record after all,
    /// settling it takes the units and the buyer's marker back. Exactly once.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails; calling again is safe.
    fn withdraw(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<Withdrawal, StockGateError>> + Send;

    /// Cancels a request whose [`reserve`](StockGate::reserve) answer was lost, in one atomic
    /// step: the request id is marked so that a reserve for it that reaches the gate later
    /// (held in the network) takes nothing, and if the request's reservation is in flight its
    /// units are [withdrawn](StockGate::withdraw). Once this answers [`Withdrawal::Withdrawn`]
    /// or [`Withdrawal::NotHeld`], the request has taken nothing and never will (a settled
    /// reservation is an order, which a cancel leaves alone, and whose request is not lost);
    /// [`Withdrawal::Republished`] leaves it to the queue.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails: nothing is proven then; calling again is safe.
    fn cancel(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<Withdrawal, StockGateError>> + Send;

    /// Marks an in-flight reservation as re-published by reconciliation, before it is queued
    /// again: from then on it can no longer be [withdrawn](StockGate::withdraw) or
    /// [cancelled](StockGate::cancel), so a process whose own publish failed cannot tell its
    /// buyer "nothing was taken" while a copy is on its way to the system of record. Returns
    /// `false`, marking nothing, when it is no longer in flight (then there is nothing to
    /// re-publish). Idempotent.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails: re-publish nothing then.
    fn claim_for_republish(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<bool, StockGateError>> + Send;

    /// Drops a reservation the system of record refused for lack of stock: the buyer's marker
    /// and the in-flight record go, the units do not come back (the system of record does not
    /// have them, so offering them again would only lead to more refusals). Exactly once.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails; calling again is safe.
    fn discard(
        &self,
        reservation: &Reservation,
    ) -> impl Future<Output = Result<Release, StockGateError>> + Send;

    /// Marks reservations as persisted orders: they leave the in-flight record, the buyers'
    /// markers stay. A reservation [withdrawn](StockGate::withdraw) before takes its units back
    /// (never below zero) and its buyer's marker if free, exactly once, so the gate agrees with
    /// the system of record again. Idempotent.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails; calling again is safe.
    fn settle(
        &self,
        reservations: &[Reservation],
    ) -> impl Future<Output = Result<(), StockGateError>> + Send;

    /// Returns the units of an order that was cancelled or expired in the system of record,
    /// exactly once however often it is called: only while the buyer's marker names the
    /// order's request. The marker goes; unless `may_buy_again`, the buyer stays barred from
    /// buying the product again. [`Release::NotHeld`] when nothing was held (returned before,
    /// or the gate was loaded after the order closed).
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails; calling again is safe.
    fn restock(
        &self,
        order: &Order,
        may_buy_again: bool,
    ) -> impl Future<Output = Result<Release, StockGateError>> + Send;

    /// Loads a sale's stock and buyers unless the gate already holds live state for it, which is
    /// never clobbered (a restart in the middle of a sale resets nothing).
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn load(
        &self,
        snapshot: &StockSnapshot,
    ) -> impl Future<Output = Result<LoadOutcome, StockGateError>> + Send;

    /// Reservations of a product taken and neither settled nor released, oldest first: what
    /// reconciliation inspects and audits count.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn in_flight(
        &self,
        product: &ProductId,
    ) -> impl Future<Output = Result<Vec<Reservation>, StockGateError>> + Send;

    /// Sets a product's units left to `remaining` (the system of record's count), only if
    /// nothing is in flight and the gate still holds `seen` units: repairs a gate that drifted
    /// from a settled sale without racing a purchase. Returns whether it changed anything.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn repair(
        &self,
        product: &ProductId,
        seen: u32,
        remaining: u32,
    ) -> impl Future<Output = Result<bool, StockGateError>> + Send;

    /// Pauses (`true`) or resumes a sale: while paused, every reserve that is not a replay of a
    /// request holding units is refused with [`Refusal::Paused`], in the same atomic step as
    /// the other rules. Returns whether the gate holds the sale. Idempotent.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails; calling again is safe.
    fn set_paused(
        &self,
        product: &ProductId,
        paused: bool,
    ) -> impl Future<Output = Result<bool, StockGateError>> + Send;

    /// Moves a sale's window (closed early, or extended), and keeps a sale whose expiry was set
    /// by [`StockGate::retire`] until it is retired again. Returns whether the gate holds the
    /// sale. Idempotent.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails; calling again is safe.
    fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> impl Future<Output = Result<bool, StockGateError>> + Send;

    /// Puts `units` more of a sale on sale, exactly once per `restock` however often it is
    /// called, and announces that units came back (so processes that answer "sold out" from
    /// memory ask again). Returns whether the gate holds the sale.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails; calling again is safe.
    fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> impl Future<Output = Result<bool, StockGateError>> + Send;

    /// Lets the gate forget a sale that ended long ago from `until` on (its state and its
    /// buyers; the system of record keeps everything), so that a gate does not fill up with old
    /// sales: a store with expiry sets it on the sale's keys, a gate without one forgets the
    /// sale once `now` reaches `until`. Idempotent; nothing for a sale the gate does not hold.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] or [`StockGateError::OutcomeUnknown`] when the backing
    /// store fails; calling again is safe.
    fn retire(
        &self,
        product: &ProductId,
        until: Timestamp,
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StockGateError>> + Send;

    /// Units left per product, in the order asked; `None` for a product the gate does not hold.
    ///
    /// # Errors
    /// [`StockGateError::Unavailable`] when the backing store fails.
    fn remaining(
        &self,
        products: &[ProductId],
    ) -> impl Future<Output = Result<Vec<Option<u32>>, StockGateError>> + Send;
}
