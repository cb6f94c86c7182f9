//! Pure domain of the flash sale: the rules that decide who may buy what, and when.
//!
//! Nothing here performs I/O, knows an async runtime, a framework or a wire format; adapters in
//! other crates translate to and from these types. Layout:
//! - [`ids`] and [`quantity`]: validated newtypes; an invalid value cannot exist past the edge.
//! - [`time`]: the instant type the rules reason about.
//! - [`sale`]: a sale, its window and its per-user limit.
//! - [`inventory`]: one sale's stock and buyers; the atomic reserve / exactly-once release rules
//!   (its buyer markers are kept compact by the private `holders` module).
//! - [`purchase`]: the purchase request's state machine, as a buyer polls it.
//! - [`order`]: an order and its payment life cycle.
//! - [`payment`]: the payment window that gives an order its deadline.
//! - [`rate_limit`]: the token bucket every rate limiter implements.

mod holders;
pub mod ids;
pub mod inventory;
pub mod order;
pub mod payment;
pub mod purchase;
pub mod quantity;
pub mod rate_limit;
pub mod sale;
pub mod time;

pub use ids::{
    IdError, IdempotencyKey, OrderId, PaymentId, ProductId, RequestId, RestockId, UserId,
    ID_PATTERN, MAX_ID_LEN, MAX_REQUEST_ID_LEN,
};
pub use inventory::{Inventory, InventoryError, Refusal, Release, Reservation, ReservationRequest};
pub use order::{Order, OrderStatus, OrderTransitionError};
pub use payment::{
    PaymentWindow, PaymentWindowError, DEFAULT_PAYMENT_WINDOW_SECS, MAX_PAYMENT_WINDOW_SECS,
    MIN_PAYMENT_WINDOW_SECS,
};
pub use purchase::{FailureReason, Purchase, PurchaseState, PurchaseTransitionError};
pub use quantity::{Quantity, QuantityError, MAX_QUANTITY, MIN_QUANTITY};
pub use rate_limit::{RateDecision, RatePolicy, RatePolicyError, TokenBucket};
pub use sale::{Sale, SaleError, SalePhase, SaleWindow, MAX_NAME_LEN, MAX_STOCK};
pub use time::Timestamp;
