//! The embedded profile's purge of old purchase results from its database file: every
//! [`PURGE_EVERY`], the final results written more than `redis.result_ttl_secs` ago go, as
//! Redis expires them in production (a buyer's orders stay, and answer for their purchases).

use std::time::Duration;

use flashsale_application::ports::Clock;
use flashsale_application::ErrorChain;
use flashsale_domain::Timestamp;
use flashsale_sqlite::SqliteStore;

use crate::runner::StopSignal;

/// How often old results are looked for.
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// Purges results older than `ttl` until `stop` resolves.
pub async fn run_result_purge<C: Clock>(
    store: SqliteStore,
    clock: C,
    ttl: Duration,
    stop: StopSignal,
) {
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(PURGE_EVERY) => {}
        }
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX);
        let cutoff = Timestamp::from_millis(clock.now().as_millis().saturating_sub(ttl_ms));
        match store.purge_results_before(cutoff).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "old purchase results purged"),
            Err(error) => tracing::warn!(error = %ErrorChain(&error), "purging old results failed"),
        }
    }
}
