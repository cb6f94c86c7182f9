//! Redis adapters: the Lua stock gate (one script per buy, its rate limits included), the
//! result store and the idempotency store.
//!
//! Every Lua script is loaded once and called by EVALSHA (reloaded on NOSCRIPT), and every key
//! one script touches shares the product's hash tag (`{product}`; the idempotency scripts touch
//! one key, tagged with its buyer), so the adapters run on a Redis Cluster unchanged. Layout:
//! - `connection`: [`RedisPool`], a few multiplexed connections shared by every request, taken
//!   from a `bb8` pool and replaced after a connection error (or `ConnectionManager`s).
//! - `keys`: the key layout, the only place key names are built.
//! - `scripts`: the Lua sources (in `lua/`) and their invocation.
//! - `sold_out`: the in-process memory of sold-out products, kept true by pub/sub.
//! - [`RedisStockGate`], [`RedisResultStore`], [`RedisIdempotencyStore`]: the ports.

mod connection;
mod error;
mod idempotency_store;
mod key_outcome_codec;
mod keys;
mod lease;
mod purchase_codec;
mod result_store;
mod scripts;
mod sold_out;
mod stock_gate;

pub use connection::{RedisConnectionKind, RedisPool, RedisSettings};
pub use error::RedisError;
pub use idempotency_store::RedisIdempotencyStore;
pub use keys::Keys;
pub use lease::RedisLease;
pub use result_store::RedisResultStore;
pub use stock_gate::RedisStockGate;
