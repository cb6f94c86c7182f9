//! The Redis idempotency store: one hash per (buyer, key), begun and finished by Lua scripts
//! (`lua/key_begin.lua`, `lua/key_finish.lua`) and expiring with its time to live.

use flashsale_application::ports::{
    Begun, Finish, IdempotencyError, IdempotencyStore, KeyClaim, KeyTimes,
};
use flashsale_domain::{IdempotencyKey, RequestId, Timestamp, UserId};

use crate::error::{command_failed, unreadable};
use crate::key_outcome_codec::{decode, encode};
use crate::scripts::{KEY_BEGIN, KEY_FINISH};
use crate::RedisPool;

/// Idempotency records in Redis.
#[derive(Clone)]
pub struct RedisIdempotencyStore {
    redis: RedisPool,
    lease_ms: u64,
    ttl_ms: u64,
}

impl RedisIdempotencyStore {
    /// A store whose records live and are held as `times` says (each at least a millisecond).
    pub fn new(redis: RedisPool, times: KeyTimes) -> Self {
        let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Self {
            redis,
            lease_ms: millis(times.lease).max(1),
            ttl_ms: millis(times.ttl).max(1),
        }
    }
}

/// A command's failure while doing `context`: `Unavailable`.
fn failed(context: &'static str) -> impl FnOnce(redis::RedisError) -> IdempotencyError {
    move |error| IdempotencyError::Unavailable(command_failed(context, error))
}

fn begun(reply: &[String]) -> Result<Begun, IdempotencyError> {
    let unreadable = || {
        IdempotencyError::Unavailable(unreadable(format!("unexpected key_begin reply {reply:?}")))
    };
    Ok(match reply {
        [started] if started == "started" => Begun::Started,
        [busy] if busy == "in-progress" => Begun::InProgress,
        [mismatch] if mismatch == "mismatch" => Begun::Mismatch,
        [resumed, request] if resumed == "resumed" => Begun::Resumed {
            request_id: RequestId::parse(request.as_str()).map_err(|_| unreadable())?,
        },
        [completed, outcome] if completed == "completed" => {
            Begun::Completed(decode(outcome).ok_or_else(unreadable)?)
        }
        _ => return Err(unreadable()),
    })
}

impl IdempotencyStore for RedisIdempotencyStore {
    async fn begin(
        &self,
        claim: &KeyClaim,
        candidate: &RequestId,
        now: Timestamp,
    ) -> Result<Begun, IdempotencyError> {
        let key = self.redis.keys().idempotency(&claim.buyer, &claim.key);
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(IdempotencyError::Unavailable)?;
        let reply: Vec<String> = KEY_BEGIN
            .key(key)
            .arg(now.as_millis())
            .arg(&claim.fingerprint)
            .arg(candidate.as_str())
            .arg(self.lease_ms)
            .arg(self.ttl_ms)
            .invoke_async(&mut *connection)
            .await
            .map_err(failed("running key_begin.lua"))?;
        begun(&reply)
    }

    async fn finish(
        &self,
        buyer: &UserId,
        key: &IdempotencyKey,
        request_id: &RequestId,
        finish: &Finish,
    ) -> Result<(), IdempotencyError> {
        let (mode, outcome) = match finish {
            Finish::Completed(outcome) => ("completed", encode(outcome)),
            Finish::Unknown => ("unknown", String::new()),
            Finish::Nothing => ("nothing", String::new()),
        };
        let mut connection = self
            .redis
            .connection()
            .await
            .map_err(IdempotencyError::Unavailable)?;
        let _changed: i64 = KEY_FINISH
            .key(self.redis.keys().idempotency(buyer, key))
            .arg(request_id.as_str())
            .arg(mode)
            .arg(outcome)
            .invoke_async(&mut *connection)
            .await
            .map_err(failed("running key_finish.lua"))?;
        Ok(())
    }
}
