//! The Lua scripts, compiled into the binary, loaded once and called by EVALSHA.

use std::sync::LazyLock;

use redis::aio::ConnectionLike;
use redis::{RedisResult, Script};

/// One buy, atomically (rate limits, rules, reservation): `lua/reserve.lua`.
pub static RESERVE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/reserve.lua")));
/// Exactly-once release: `lua/release.lua`.
pub static RELEASE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/release.lua")));
/// Claim an in-flight reservation for re-publishing: `lua/claim.lua`.
pub static CLAIM: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/claim.lua")));
/// Pause or resume a sale: `lua/pause.lua`.
pub static PAUSE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/pause.lua")));
/// Move a sale's window: `lua/window.lua`.
pub static WINDOW: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/window.lua")));
/// Add units exactly once per restock id: `lua/add_units.lua`.
pub static ADD_UNITS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/add_units.lua")));
/// Let an old sale's keys expire: `lua/retire.lua`.
pub static RETIRE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/retire.lua")));
/// Exactly-once return of a closed order's units: `lua/restock.lua`.
pub static RESTOCK: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/restock.lua")));
/// Load unless live: `lua/load.lua`.
pub static LOAD: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/load.lua")));
/// Settle, taking withdrawn reservations back exactly once: `lua/settle.lua`.
pub static SETTLE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/settle.lua")));
/// Repair a settled sale's count: `lua/repair.lua`.
pub static REPAIR: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/repair.lua")));
/// Store the final results of one hash slot, first wins but for the one each supersedes, and
/// point buyers at their latest requests: `lua/save_result.lua`.
pub static SAVE_RESULT: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/save_result.lua")));

/// Begin an attempt under an idempotency key: `lua/key_begin.lua`.
pub static KEY_BEGIN: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/key_begin.lua")));
/// End an attempt under an idempotency key: `lua/key_finish.lua`.
pub static KEY_FINISH: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("lua/key_finish.lua")));

/// Hold a lease by the caller's clock: `lua/lease.lua`.
pub static LEASE: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/lease.lua")));

/// Loads every script, so the hot path only ever sends EVALSHA.
///
/// # Errors
/// When the server refuses a script.
pub async fn load_all(connection: &mut impl ConnectionLike) -> RedisResult<()> {
    for script in [
        &*RESERVE,
        &*RELEASE,
        &*CLAIM,
        &*RETIRE,
        &*PAUSE,
        &*WINDOW,
        &*ADD_UNITS,
        &*RESTOCK,
        &*LOAD,
        &*SETTLE,
        &*REPAIR,
        &*SAVE_RESULT,
        &*KEY_BEGIN,
        &*KEY_FINISH,
        &*LEASE,
    ] {
        script.prepare_invoke().load_async(connection).await?;
    }
    Ok(())
}
