//! Live feeds shared by their watchers: a value per key, computed once a second by one task
//! while anyone watches it, however many do, and stopped when the last watcher leaves.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::watch;

/// How often a watched value is computed again.
pub const TICK: Duration = Duration::from_secs(1);

/// Computes the value of a key; `None` when it cannot now (the tick is skipped).
pub type Compute<K, V> =
    Arc<dyn Fn(K) -> Pin<Box<dyn Future<Output = Option<V>> + Send>> + Send + Sync>;

/// Feeds of values by key. Cheap to clone: clones share the feeds.
pub struct LiveFeed<K, V> {
    feeds: Arc<Mutex<HashMap<K, watch::Receiver<V>>>>,
    compute: Compute<K, V>,
}

impl<K, V> Clone for LiveFeed<K, V> {
    fn clone(&self) -> Self {
        Self {
            feeds: self.feeds.clone(),
            compute: self.compute.clone(),
        }
    }
}

impl<K, V> LiveFeed<K, V>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Feeds whose values `compute` makes.
    pub fn new(compute: Compute<K, V>) -> Self {
        Self {
            feeds: Arc::new(Mutex::new(HashMap::new())),
            compute,
        }
    }

    /// The values of `key`: `first` (the caller's fresh value) at once, then one a tick while
    /// the stream is held. Joins the feed of `key` if one runs, else starts it.
    pub fn watch(&self, key: K, first: V) -> BoxStream<'static, V> {
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = match feeds.get(&key) {
            Some(receiver) => receiver.clone(),
            None => {
                let (sender, receiver) = watch::channel(first.clone());
                feeds.insert(key.clone(), receiver.clone());
                tokio::spawn(self.clone().run(key, sender));
                receiver
            }
        };
        drop(feeds);
        let later = stream::unfold(receiver, |mut receiver| async move {
            receiver.changed().await.ok()?;
            let value = receiver.borrow_and_update().clone();
            Some((value, receiver))
        });
        stream::once(async move { first }).chain(later).boxed()
    }

    /// Computes `key`'s value every tick until only the feed's own receiver is left.
    async fn run(self, key: K, sender: watch::Sender<V>) {
        loop {
            tokio::time::sleep(TICK).await;
            {
                let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
                // The map holds one receiver; any other is a watcher.
                if sender.receiver_count() <= 1 {
                    feeds.remove(&key);
                    return;
                }
            }
            if let Some(value) = (self.compute)(key.clone()).await {
                sender.send_replace(value);
            }
        }
    }

    /// Keys with a feed running now.
    #[cfg(test)]
    fn running(&self) -> usize {
        self.feeds
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_computation_a_tick_serves_every_watcher_and_stops_without_them() {
        let computed = Arc::new(AtomicU32::new(0));
        let counter = computed.clone();
        let feed: LiveFeed<&'static str, u32> = LiveFeed::new(Arc::new(move |_| {
            let counter = counter.clone();
            Box::pin(async move { Some(counter.fetch_add(1, Ordering::SeqCst) + 1) })
        }));
        let mut first = feed.watch("a", 0);
        let mut second = feed.watch("a", 0);
        assert_eq!(first.next().await, Some(0), "the caller's value at once");
        assert_eq!(second.next().await, Some(0));
        assert_eq!(first.next().await, Some(1));
        assert_eq!(second.next().await, Some(1), "the same computation");
        assert_eq!(first.next().await, Some(2));
        assert_eq!(computed.load(Ordering::SeqCst), 2, "one a tick for both");
        assert_eq!(feed.running(), 1);
        drop(first);
        drop(second);
        tokio::time::sleep(TICK * 3).await;
        assert_eq!(feed.running(), 0, "stopped without watchers");
        let stopped_at = computed.load(Ordering::SeqCst);
        tokio::time::sleep(TICK * 3).await;
        assert_eq!(computed.load(Ordering::SeqCst), stopped_at);
        let mut again = feed.watch("a", 0);
        assert_eq!(again.next().await, Some(0));
        assert_eq!(again.next().await, Some(stopped_at + 1), "started again");
    }
}
