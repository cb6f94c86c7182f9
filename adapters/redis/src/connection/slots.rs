//! The `Bb8` set-up: `pool_size` multiplexed connections taken from the bb8 pool once and
//! shared by every request, each in its slot.
//!
//! A request clones the handle of the next healthy slot (no checkout, no `PING`) and pipelines
//! on it with every other request of that slot. When a request fails with a connection error
//! (see `failure`), its slot is marked broken: its connection goes back to the pool and a
//! task takes another, so bb8's validity check (and, if it fails, a connect) runs then and
//! only then. Meanwhile requests use the other slots, or fail at once if none is healthy.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use bb8_redis::RedisConnectionManager;
use redis::aio::{ConnectionLike, MultiplexedConnection};
use redis::{Cmd, Pipeline, RedisFuture, RedisResult, Value};

use super::failure::breaks_connection;
use super::pool::Pool;

/// A connection taken from the pool; dropping it gives it back.
type Held = bb8::PooledConnection<'static, RedisConnectionManager>;

/// Pause between two failed attempts to take a replacement from the pool (each attempt
/// already waits up to the pool's checkout timeout).
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// The shared connections.
pub(super) struct Slots {
    /// Where connections come from and go back to.
    pool: Pool,
    /// One per shared connection.
    slots: Box<[Mutex<Slot>]>,
    /// Round-robin cursor.
    next: AtomicUsize,
    /// Connections given back after a connection error and replaced so far.
    replacements: AtomicU64,
}

/// One shared connection. `generation` counts its replacements, so that a failure seen on
/// an older connection does not condemn its replacement.
enum Slot {
    /// In use: requests clone its handle.
    Ready { held: Held, generation: u64 },
    /// Its connection failed and went back to the pool; another is being taken.
    Replacing { generation: u64 },
}

/// A request's handle on one slot's connection; it reports connection errors to the slot.
pub(super) struct Handle {
    /// A clone of the slot's multiplexed connection.
    connection: MultiplexedConnection,
    /// The slots, to report a broken connection.
    slots: Arc<Slots>,
    /// Which slot.
    index: usize,
    /// Which connection of that slot.
    generation: u64,
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    // A panic never leaves a slot half-updated: every update is one assignment.
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Slots {
    /// Takes `count` connections from `pool`, each checked by bb8 once.
    ///
    /// # Errors
    /// bb8's, when a connection cannot be had in time.
    pub(super) async fn take(
        pool: Pool,
        count: usize,
    ) -> Result<Arc<Self>, bb8::RunError<redis::RedisError>> {
        let mut slots = Vec::with_capacity(count);
        for _ in 0..count {
            let held = pool.get_owned().await?;
            slots.push(Mutex::new(Slot::Ready {
                held,
                generation: 0,
            }));
        }
        Ok(Arc::new(Self {
            pool,
            slots: slots.into(),
            next: AtomicUsize::new(0),
            replacements: AtomicU64::new(0),
        }))
    }

    /// A handle on the next healthy slot in turn, or `None` when every slot is being replaced.
    pub(super) fn handle(self: &Arc<Self>) -> Option<Handle> {
        let count = self.slots.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..count).find_map(|offset| self.ready((start + offset) % count))
    }

    /// Connections given back after a connection error and replaced so far.
    pub(super) fn replacements(&self) -> u64 {
        self.replacements.load(Ordering::Relaxed)
    }

    fn ready(self: &Arc<Self>, index: usize) -> Option<Handle> {
        let slot = lock(self.slots.get(index)?);
        match &*slot {
            Slot::Ready { held, generation } => Some(Handle {
                connection: MultiplexedConnection::clone(held),
                slots: Arc::clone(self),
                index,
                generation: *generation,
            }),
            Slot::Replacing { .. } => None,
        }
    }

    /// Marks connection `generation` of slot `index` broken and starts replacing it, unless
    /// that is already done or under way.
    fn broken(self: &Arc<Self>, index: usize, generation: u64) {
        let Some(slot) = self.slots.get(index) else {
            return;
        };
        let mut slot = lock(slot);
        if !matches!(&*slot, Slot::Ready { generation: current, .. } if *current == generation) {
            return;
        }
        let replacing = Slot::Replacing { generation };
        if let Slot::Ready { held, .. } = std::mem::replace(&mut *slot, replacing) {
            drop(slot);
            tracing::warn!(
                slot = index,
                "redis: connection error; replacing the connection"
            );
            tokio::spawn(replace(
                Arc::downgrade(self),
                self.pool.clone(),
                index,
                held,
            ));
        }
    }

    /// Puts a fresh connection in slot `index`.
    fn install(&self, index: usize, held: Held) {
        let Some(slot) = self.slots.get(index) else {
            return;
        };
        let mut slot = lock(slot);
        let generation = match &*slot {
            Slot::Ready { generation, .. } | Slot::Replacing { generation } => generation + 1,
        };
        *slot = Slot::Ready { held, generation };
        self.replacements.fetch_add(1, Ordering::Relaxed);
    }
}

/// Gives `broken` back to the pool and takes a connection for slot `index`, retrying until
/// one comes or the slots are gone. bb8 checks the connection it hands out: the one given
/// back if it still answers (a timeout that was only a slow reply), else a new one.
async fn replace(slots: Weak<Slots>, pool: Pool, index: usize, broken: Held) {
    drop(broken);
    loop {
        let taken = pool.get_owned().await;
        let Some(slots) = slots.upgrade() else {
            return;
        };
        match taken {
            Ok(held) => {
                slots.install(index, held);
                tracing::info!(slot = index, "redis: connection replaced");
                return;
            }
            Err(error) => {
                tracing::warn!(slot = index, %error, "redis: no replacement connection yet");
            }
        }
        drop(slots);
        tokio::time::sleep(RETRY_PAUSE).await;
    }
}

impl Handle {
    fn observe<T>(&self, result: &RedisResult<T>) {
        if let Err(error) = result {
            if breaks_connection(error) {
                self.slots.broken(self.index, self.generation);
            }
        }
    }
}

impl ConnectionLike for Handle {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let result = self.connection.send_packed_command(cmd).await;
            self.observe(&result);
            result
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            let result = self
                .connection
                .send_packed_commands(pipeline, offset, count)
                .await;
            self.observe(&result);
            result
        })
    }

    fn get_db(&self) -> i64 {
        self.connection.get_db()
    }
}
