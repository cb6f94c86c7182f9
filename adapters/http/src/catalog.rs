//! The sales as last listed, kept in process: `GET /api/v1/sales` and `/readyz` answer from this
//! snapshot, never with a catalog query of their own, so a crowd refreshing the listing costs
//! the database nothing.
//!
//! A background task lists the sales (`FlashSale::list_sales`: the catalog plus the gate's live
//! counts) every `interval`, so the listed `remaining` may lag by up to one interval. Creating a
//! sale through the admin API refreshes at once. The snapshot is fresh while its last listing
//! succeeded and is at most [`STALE_AFTER_INTERVALS`] intervals old; otherwise it says why
//! ([`Unready`]), and the listing and the readiness probe answer `503`.
//!
//! The task holds the snapshot weakly and is aborted when the last handle is dropped (the
//! server stopped and dropped its endpoint), so it never outlives the server nor keeps the
//! service alive.

use std::sync::{Arc, Weak};
use std::time::Duration;

use flashsale_application::{ErrorChain, FlashSale, ListSalesError, Ports, SaleView};
use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

/// A snapshot whose last listing is older than this many intervals is stale.
pub const STALE_AFTER_INTERVALS: u32 = 4;

/// The shortest refresh interval; a shorter one (zero included) is raised to it.
const MIN_INTERVAL: Duration = Duration::from_millis(1);

/// Why the snapshot cannot be served.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unready {
    /// No listing has completed since the snapshot was made.
    #[error("the sales have not been listed yet")]
    NotYet,
    /// The last listing failed: the named dependency did not answer (the error was logged).
    #[error("the last listing of the sales failed: the {0} did not answer")]
    Failed(&'static str),
    /// The last listing succeeded but is too old: the refresh is stuck or too slow.
    #[error("the last listing of the sales is {age:?} old, refreshed every {interval:?}")]
    Stale {
        /// How old it is.
        age: Duration,
        /// How often it should be refreshed.
        interval: Duration,
    },
}

/// One listing of the sales.
#[derive(Debug)]
struct Listing {
    /// When the listing started.
    taken_at: Instant,
    /// The sales, or the dependency that failed.
    sales: Result<Arc<[SaleView]>, &'static str>,
}

impl Listing {
    /// The sales if this listing succeeded and is fresh at `now`.
    fn fresh(&self, now: Instant, interval: Duration) -> Result<Arc<[SaleView]>, Unready> {
        let sales = self.sales.clone().map_err(Unready::Failed)?;
        let age = now.saturating_duration_since(self.taken_at);
        if age > interval * STALE_AFTER_INTERVALS {
            return Err(Unready::Stale { age, interval });
        }
        Ok(sales)
    }
}

struct Shared<P: Ports> {
    service: Arc<FlashSale<P>>,
    interval: Duration,
    latest: watch::Sender<Option<Arc<Listing>>>,
    /// Refreshes run one at a time, so a later listing is never replaced by an earlier one.
    refreshing: Mutex<()>,
}

/// Aborts the refresher when the last handle of its snapshot is dropped.
struct AbortOnDrop(JoinHandle<()>);

/// Resolves when the refresher task has ended, however it ended (see
/// [`SalesSnapshot::refresher_ended`]).
pub struct RefresherEnded(Option<watch::Receiver<()>>);

impl RefresherEnded {
    /// Waits until the refresher ended; never resolves for a snapshot without one.
    pub async fn wait(self) {
        match self.0 {
            // Nothing is ever sent: `changed` returns when the task dropped the sender.
            Some(mut alive) => while alive.changed().await.is_ok() {},
            None => std::future::pending().await,
        }
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The in-process snapshot of the sales; clones share it.
pub struct SalesSnapshot<P: Ports> {
    shared: Arc<Shared<P>>,
    refresher: Option<Arc<AbortOnDrop>>,
    /// Changes (its sender is dropped) when the refresher task ends.
    alive: Option<watch::Receiver<()>>,
}

impl<P: Ports> Clone for SalesSnapshot<P> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            refresher: self.refresher.clone(),
            alive: self.alive.clone(),
        }
    }
}

impl<P: Ports> SalesSnapshot<P> {
    /// An empty snapshot that only [`refresh`](Self::refresh) fills; `interval` is what its
    /// freshness is judged by. For the OpenAPI document and for tests that refresh by hand.
    pub fn new(service: Arc<FlashSale<P>>, interval: Duration) -> Self {
        let (latest, _) = watch::channel(None);
        Self {
            shared: Arc::new(Shared {
                service,
                interval: interval.max(MIN_INTERVAL),
                latest,
                refreshing: Mutex::new(()),
            }),
            refresher: None,
            alive: None,
        }
    }

    /// A snapshot refreshed every `interval` (at least 1 ms) by a background task, the first
    /// time at once. Must be called within a tokio runtime.
    pub fn start(service: Arc<FlashSale<P>>, interval: Duration) -> Self {
        let mut snapshot = Self::new(service, interval);
        let (alive, watch_alive) = watch::channel(());
        let refreshing = refresh_every(Arc::downgrade(&snapshot.shared), snapshot.shared.interval);
        let task = tokio::spawn(async move {
            let _alive = alive;
            refreshing.await;
        });
        snapshot.refresher = Some(Arc::new(AbortOnDrop(task)));
        snapshot.alive = Some(watch_alive);
        snapshot
    }

    /// Resolves when the background refresher ends: it panicked, or the last handle of the
    /// snapshot was dropped. A supervisor that holds this (not the snapshot) learns that the
    /// snapshot will go stale. Never resolves for a snapshot made with [`new`](Self::new).
    pub fn refresher_ended(&self) -> RefresherEnded {
        RefresherEnded(self.alive.clone())
    }

    /// Lists the sales now and keeps the result, success or failure (a failure is logged).
    pub async fn refresh(&self) {
        refresh(&self.shared).await;
    }

    /// The sales as last listed, if that listing succeeded and is fresh.
    ///
    /// # Errors
    /// [`Unready`] says why not.
    pub fn current(&self) -> Result<Arc<[SaleView]>, Unready> {
        let latest = self.shared.latest.borrow().clone();
        match latest {
            Some(listing) => listing.fresh(Instant::now(), self.shared.interval),
            None => Err(Unready::NotYet),
        }
    }

    /// As [`current`](Self::current), but before the first listing has completed it waits for
    /// it, at most as long as a listing stays fresh.
    ///
    /// # Errors
    /// [`Unready`] says why not.
    pub async fn wait_current(&self) -> Result<Arc<[SaleView]>, Unready> {
        if self.shared.latest.borrow().is_none() {
            let mut listings = self.shared.latest.subscribe();
            let patience = self.shared.interval * STALE_AFTER_INTERVALS;
            // Times out or finds the sender gone: either way `current` then says why.
            let _ = tokio::time::timeout(patience, listings.wait_for(Option::is_some)).await;
        }
        self.current()
    }
}

async fn refresh<P: Ports>(shared: &Shared<P>) {
    let _one_at_a_time = shared.refreshing.lock().await;
    let taken_at = Instant::now();
    let listed = shared.service.list_sales().await;
    // Logged when the outcome changes, not twice a second while a dependency stays down.
    let was_failing = matches!(
        shared.latest.borrow().as_deref(),
        Some(Listing { sales: Err(_), .. })
    );
    let sales = match listed {
        Ok(sales) => {
            if was_failing {
                tracing::info!("the sales are listed again; the snapshot is fresh");
            }
            Ok(Arc::from(sales))
        }
        Err(error) if was_failing => {
            tracing::debug!(error = %ErrorChain(&error), "listing the sales for the snapshot failed again");
            Err(failed_dependency(&error))
        }
        Err(error) => {
            tracing::warn!(error = %ErrorChain(&error), "listing the sales for the snapshot failed");
            Err(failed_dependency(&error))
        }
    };
    shared
        .latest
        .send_replace(Some(Arc::new(Listing { taken_at, sales })));
}

/// The dependency a failed listing names, without its internals.
fn failed_dependency(error: &ListSalesError) -> &'static str {
    match error {
        ListSalesError::Catalog(_) => "sale catalog",
        ListSalesError::Gate(_) => "stock gate",
    }
}

/// Refreshes every `interval` while the snapshot exists.
async fn refresh_every<P: Ports>(shared: Weak<Shared<P>>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        refresh(&shared).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_millis(500);

    /// A listing and the instant at which it is `age` old.
    fn listing(age: Duration, sales: Result<Arc<[SaleView]>, &'static str>) -> (Listing, Instant) {
        let taken_at = Instant::now();
        (Listing { taken_at, sales }, taken_at + age)
    }

    #[test]
    fn a_recent_successful_listing_is_fresh() {
        let (listing, now) = listing(INTERVAL * 2, Ok(Arc::from(Vec::new())));
        assert_eq!(listing.fresh(now, INTERVAL).map(|s| s.len()), Ok(0));
    }

    #[test]
    fn a_listing_older_than_a_few_intervals_is_stale() {
        let age = INTERVAL * (STALE_AFTER_INTERVALS + 1);
        let (listing, now) = listing(age, Ok(Arc::from(Vec::new())));
        assert_eq!(
            listing.fresh(now, INTERVAL),
            Err(Unready::Stale {
                age,
                interval: INTERVAL
            })
        );
    }

    #[test]
    fn a_failed_listing_names_the_dependency_however_recent() {
        let (listing, now) = listing(Duration::ZERO, Err("stock gate"));
        assert_eq!(
            listing.fresh(now, INTERVAL),
            Err(Unready::Failed("stock gate"))
        );
    }
}
