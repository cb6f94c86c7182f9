//! Helpers shared by the SQLite adapter's test binaries: fresh files, orders, direct reads.
#![allow(dead_code)] // each test binary uses its own share of the helpers

use std::path::PathBuf;
use std::time::Duration;

use flashsale_application::ports::{NewOrder, OrderStore, OrderStoreError, Persisted};
use flashsale_domain::{OrderId, ProductId, Reservation, Timestamp};
use flashsale_sqlite::{SqliteSettings, SqliteStore};
use tempfile::TempDir;

/// A new temporary folder (removed when dropped) and the path of a database file inside it,
/// one level down, so opening it also creates a folder.
pub fn fresh_path() -> (PathBuf, TempDir) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("data").join("flashsale.db");
    (path, folder)
}

/// A migrated store on `path`.
pub async fn open_store(path: &std::path::Path) -> SqliteStore {
    let store = SqliteStore::open(&SqliteSettings::new(path)).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A migrated store on a new file in a new temporary folder; the folder goes with the guard.
pub async fn fresh_store() -> (SqliteStore, TempDir) {
    let (path, folder) = fresh_path();
    (open_store(&path).await, folder)
}

/// The order a reservation becomes, with an id derived from its request.
pub fn new_order(reservation: Reservation) -> NewOrder {
    NewOrder {
        order_id: OrderId::parse(format!("o-{}", reservation.request_id)).unwrap(),
        reservation,
        created_at: Timestamp::from_millis(1_764_000_000_000),
    }
}

/// Persists `batch` as the worker does: a failed transaction stored nothing, so try again.
/// Answers the outcomes and how many attempts failed.
pub async fn persist_retrying(store: &SqliteStore, batch: &[NewOrder]) -> (Vec<Persisted>, usize) {
    let mut failures = 0;
    loop {
        match store.persist(batch).await {
            Ok(outcomes) => return (outcomes, failures),
            Err(OrderStoreError::Refused(message)) => panic!("refused for good: {message}"),
            Err(OrderStoreError::Unavailable(message)) => {
                failures += 1;
                assert!(failures < 50, "still failing after 50 attempts: {message}");
                tokio::time::sleep(Duration::from_millis(5 * failures as u64)).await;
            }
        }
    }
}

pub async fn remaining_of(store: &SqliteStore, product: &ProductId) -> u32 {
    sqlx::query_scalar("SELECT remaining FROM sales WHERE product_id = ?")
        .bind(product.as_str())
        .fetch_one(store.reader())
        .await
        .unwrap()
}

pub async fn count_orders(store: &SqliteStore, product: &ProductId) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE product_id = ?")
        .bind(product.as_str())
        .fetch_one(store.reader())
        .await
        .unwrap()
}

pub fn count(outcomes: &[Persisted], wanted: fn(&Persisted) -> bool) -> usize {
    outcomes.iter().filter(|o| wanted(o)).count()
}
