//! Sold out, answered in process: once the gate reports a product sold out, further buys of it
//! are refused from memory, without a Redis round trip, until units can come back.
//!
//! Units come back through `lua/release.lua` and `lua/load.lua`, which announce the product on
//! the stock-returned pub/sub channel; a listener task forgets the product when it hears that.
//! Two bounds keep the answer true when a message is missed: an entry lives at most `ttl`, and
//! while the listener is not subscribed (not yet, or its connection dropped) the memory is not
//! used at all and is cleared on every new subscription. A reply that raced with an
//! announcement is not remembered (see [`SoldOutMemo::epoch`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::{Duration, Instant};

use flashsale_domain::{ProductId, Timestamp};
use futures_util::StreamExt;
use tokio::sync::watch;

/// How long the listener waits before subscribing again after a failure.
const RESUBSCRIBE_AFTER: Duration = Duration::from_millis(500);

struct Entry {
    /// When the entry stops counting, whatever the channel says.
    until: Instant,
    /// The sale's end: after it the gate says "ended", not "sold out".
    ends_at: Timestamp,
}

struct Shared {
    ttl: Duration,
    entries: RwLock<HashMap<ProductId, Entry>>,
    listening: AtomicBool,
    epoch: AtomicU64,
    /// Dropped with the memo, which ends the listener.
    _closed: watch::Sender<()>,
}

/// The products this process knows are sold out. Cloning shares it.
#[derive(Clone)]
pub struct SoldOutMemo {
    shared: Arc<Shared>,
}

impl SoldOutMemo {
    /// A memo whose entries live at most `ttl`, kept true by a listener on `channel` (spawned
    /// on the current tokio runtime; it ends when the last clone of the memo is dropped).
    /// A `ttl` of zero turns the memo off.
    pub fn listen(client: redis::Client, channel: String, ttl: Duration) -> Self {
        let (closed, on_close) = watch::channel(());
        let shared = Arc::new(Shared {
            ttl,
            entries: RwLock::new(HashMap::new()),
            listening: AtomicBool::new(false),
            epoch: AtomicU64::new(0),
            _closed: closed,
        });
        if !ttl.is_zero() {
            tokio::spawn(listen(client, channel, Arc::downgrade(&shared), on_close));
        }
        Self { shared }
    }

    /// Whether a buy of `product` at `now` can be answered "sold out" from memory.
    pub fn is_sold_out(&self, product: &ProductId, now: Timestamp) -> bool {
        if !self.shared.listening.load(Ordering::Acquire) {
            return false;
        }
        let entries = self
            .shared
            .entries
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        entries
            .get(product)
            .is_some_and(|entry| entry.until > Instant::now() && now < entry.ends_at)
    }

    /// A counter of announcements heard: read it before asking the gate and pass it to
    /// [`Self::remember`], which then ignores a reply an announcement may have overtaken.
    pub fn epoch(&self) -> u64 {
        self.shared.epoch.load(Ordering::Acquire)
    }

    /// Remembers that the gate found `product` without units, unless an announcement was heard
    /// since `epoch`.
    pub fn remember(&self, product: &ProductId, ends_at: Timestamp, epoch: u64) {
        if self.shared.ttl.is_zero() || !self.shared.listening.load(Ordering::Acquire) {
            return;
        }
        let mut entries = self
            .shared
            .entries
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if self.epoch() != epoch {
            return;
        }
        let until = Instant::now() + self.shared.ttl;
        entries.insert(product.clone(), Entry { until, ends_at });
    }
}

impl Shared {
    fn forget(&self, product: Option<&str>) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        self.epoch.fetch_add(1, Ordering::AcqRel);
        match product.and_then(|p| ProductId::parse(p).ok()) {
            Some(product) => {
                entries.remove(&product);
            }
            None => entries.clear(),
        }
    }
}

/// Subscribes to the stock-returned channel and forgets every product announced there, until
/// the memo is dropped; subscribes again after a failure.
async fn listen(
    client: redis::Client,
    channel: String,
    memo: Weak<Shared>,
    mut on_close: watch::Receiver<()>,
) {
    loop {
        let session = async {
            let mut pubsub = client.get_async_pubsub().await?;
            pubsub.subscribe(&channel).await?;
            if let Some(shared) = memo.upgrade() {
                shared.forget(None);
                shared.listening.store(true, Ordering::Release);
            }
            let mut messages = pubsub.on_message();
            while let Some(message) = messages.next().await {
                let product: Option<String> = message.get_payload().ok();
                match memo.upgrade() {
                    Some(shared) => shared.forget(product.as_deref()),
                    None => break,
                }
            }
            Ok::<(), redis::RedisError>(())
        };
        tokio::select! {
            ended = session => {
                if let Err(error) = ended {
                    tracing::debug!(%error, "stock-returned subscription failed");
                }
            }
            _ = on_close.changed() => return,
        }
        match memo.upgrade() {
            Some(shared) => {
                shared.listening.store(false, Ordering::Release);
                shared.forget(None);
            }
            None => return,
        }
        tokio::select! {
            () = tokio::time::sleep(RESUBSCRIBE_AFTER) => {}
            _ = on_close.changed() => return,
        }
    }
}
