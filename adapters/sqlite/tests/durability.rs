//! The file is the system of record: what was committed is there after the store is closed and
//! the file opened again, by this store or by a second one beside it.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{fresh_path, new_order, open_store};
use flashsale_application::ports::{
    Closed, Closing, OrderEvents, OrderStore, Paid, Persisted, ResultStore, SaleCatalog,
};
use flashsale_contracts::Fixtures;
use flashsale_domain::{FailureReason, OrderId, OrderStatus, PaymentId, Purchase, Timestamp};
use flashsale_sqlite::{SqliteError, SqliteSettings, SqliteStore};

/// Set for the child process of the crash test: the file it commits to before it exits.
const CRASH_CHILD: &str = "FLASHSALE_SQLITE_CRASH_CHILD";
/// The exit code of that child once it committed.
const COMMITTED: i32 = 42;

#[tokio::test]
async fn orders_payments_closes_and_events_survive_closing_and_reopening_the_file() {
    let (path, _folder) = fresh_path();
    let f = Fixtures::new("durable");
    let sale = f.open_sale("kept", 5);
    let product = sale.product_id().clone();
    let now = Timestamp::from_millis(1_764_000_000_000);

    let store = open_store(&path).await;
    assert!(path.exists(), "the file and its folder were created");
    store.create(&sale).await.unwrap();
    let batch: Vec<_> = (0..3)
        .map(|i| new_order(f.reservation(&product, i, &i.to_string())))
        .collect();
    let outcomes = store.persist(&batch).await.unwrap();
    assert!(outcomes.iter().all(|o| matches!(o, Persisted::Created(_))));
    let paid = PaymentId::parse("pay-durable").unwrap();
    assert!(matches!(
        store.pay(&batch[0].order_id, &paid, now).await.unwrap(),
        Paid::Paid(_)
    ));
    assert!(matches!(
        store
            .close(&batch[1].order_id, Closing::Cancel, now)
            .await
            .unwrap(),
        Closed::Closed(_)
    ));
    let events = store.unpublished(100).await.unwrap();
    assert_eq!(events.len(), 5, "3 created, 1 paid, 1 cancelled");
    store.mark_published(&[events[0].id], now).await.unwrap();
    let listed = store.list().await.unwrap();
    let audit = store.audit(&product).await.unwrap();
    store.shutdown().await;
    assert!(
        store.list().await.is_err(),
        "a closed store answers no more"
    );

    let reopened = open_store(&path).await;
    assert_eq!(reopened.list().await.unwrap(), listed);
    assert_eq!(reopened.audit(&product).await.unwrap(), audit);
    assert_eq!(
        listed[0].remaining, 3,
        "5 units, 2 held, the cancelled one returned"
    );
    let first = reopened
        .find_order(&batch[0].reservation.request_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status(), OrderStatus::Paid);
    assert_eq!(first.payment_id(), Some(&paid));
    let second = reopened.order(&batch[1].order_id).await.unwrap().unwrap();
    assert_eq!(second.status(), OrderStatus::Cancelled);
    assert_eq!(
        reopened.unpublished(100).await.unwrap(),
        events[1..].to_vec(),
        "the events not yet published, and only them"
    );
    let redelivered = reopened.persist(&batch[2..]).await.unwrap();
    assert!(
        matches!(&redelivered[0], Persisted::AlreadyPersisted(o) if o.id == batch[2].order_id),
        "a redelivery after a restart finds its order: {redelivered:?}"
    );
    reopened.shutdown().await;
}

/// Run as the parent: starts this very test in a child process that commits a sale and a batch
/// of orders and exits without closing anything (no pool closed, no WAL checkpoint), then opens
/// the file and finds them, recovered from the WAL.
#[tokio::test]
async fn orders_committed_by_a_process_that_then_dies_are_in_the_file() {
    let f = Fixtures::new("crash");
    let sale = f.open_sale("kept", 5);
    let product = sale.product_id().clone();
    let batch: Vec<_> = (0..3)
        .map(|i| new_order(f.reservation(&product, i, &i.to_string())))
        .collect();
    if let Some(path) = std::env::var_os(CRASH_CHILD) {
        let store = open_store(std::path::Path::new(&path)).await;
        store.create(&sale).await.unwrap();
        store.persist(&batch).await.unwrap();
        std::process::exit(COMMITTED);
    }

    let (path, _folder) = fresh_path();
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "orders_committed_by_a_process_that_then_dies_are_in_the_file",
            "--nocapture",
        ])
        .env(CRASH_CHILD, &path)
        .output()
        .unwrap();
    assert_eq!(
        child.status.code(),
        Some(COMMITTED),
        "the child commits, then dies: {}",
        String::from_utf8_lossy(&child.stderr)
    );
    let wal = path.with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the commits are still in the WAL, not checkpointed: {wal:?}"
    );

    let store = open_store(&path).await;
    assert_eq!(store.sale(&product).await.unwrap().unwrap().remaining, 2);
    for new in &batch {
        let order = store.order(&new.order_id).await.unwrap();
        assert!(order.is_some(), "{} survived", new.order_id);
    }
    assert_eq!(store.unpublished(100).await.unwrap().len(), 3);
}

#[tokio::test]
async fn purchase_results_survive_closing_and_reopening_the_file() {
    let (path, _folder) = fresh_path();
    let f = Fixtures::new("durable-results");
    let product = f.product("kept");
    let mut done = Purchase::accepted(&f.reservation(&product, 1, "1"));
    done.succeed(
        OrderId::parse("o-durable-1").unwrap(),
        Some(Timestamp::from_millis(1_764_000_900_000)),
    )
    .unwrap();
    let second = Purchase::accepted(&f.reservation(&product, 2, "2"));
    let mut queue_failed = second.clone();
    queue_failed.fail(FailureReason::QueueUnavailable).unwrap();

    let store = open_store(&path).await;
    store
        .save(&[done.clone(), queue_failed.clone()])
        .await
        .unwrap();
    store.shutdown().await;
    assert!(
        store.find(&done.request_id).await.is_err(),
        "a closed store answers no more"
    );

    let reopened = open_store(&path).await;
    assert_eq!(
        reopened.find(&done.request_id).await.unwrap(),
        Some(done.clone())
    );
    assert_eq!(
        reopened.find_for_buyer(&f.user(1), &product).await.unwrap(),
        Some(done)
    );
    assert_eq!(
        reopened.find_for_buyer(&f.user(2), &product).await.unwrap(),
        Some(queue_failed.clone())
    );
    let mut late = second;
    late.succeed(OrderId::parse("o-durable-2").unwrap(), None)
        .unwrap();
    reopened.save(std::slice::from_ref(&late)).await.unwrap();
    assert_eq!(
        reopened.find(&late.request_id).await.unwrap(),
        Some(late),
        "the queue failure read back from the file is still replaceable"
    );
    reopened.shutdown().await;
}

#[tokio::test]
async fn a_second_store_on_the_same_file_sees_every_commit_of_the_first() {
    let (path, _folder) = fresh_path();
    let f = Fixtures::new("twin");
    let sale = f.open_sale("shared", 2);
    let product = sale.product_id().clone();
    let (one, two) = (open_store(&path).await, open_store(&path).await);

    one.create(&sale).await.unwrap();
    let first = new_order(f.reservation(&product, 1, "1"));
    one.persist(std::slice::from_ref(&first)).await.unwrap();
    let outcomes = two
        .persist(&[
            new_order(f.reservation(&product, 1, "again")),
            new_order(f.reservation(&product, 2, "2")),
            new_order(f.reservation(&product, 3, "3")),
        ])
        .await
        .unwrap();
    assert!(matches!(outcomes[1], Persisted::Created(_)), "{outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Persisted::Refused(_)))
            .count(),
        2,
        "one buyer already served, then no stock: {outcomes:?}"
    );
    assert_eq!(one.audit(&product).await.unwrap().unwrap().remaining, 0);
}

#[tokio::test]
async fn migrations_run_twice_change_nothing_the_second_time() {
    let (path, _folder) = fresh_path();
    let store = open_store(&path).await;
    let f = Fixtures::new("migrate");
    let sale = f.open_sale("kept", 5);
    store.create(&sale).await.unwrap();

    store.migrate().await.unwrap();
    store.shutdown().await;
    let again = open_store(&path).await;
    again.migrate().await.unwrap();

    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(again.reader())
        .await
        .unwrap();
    let files = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../migrations/sqlite"
    ))
    .unwrap()
    .filter(|entry| {
        entry
            .as_ref()
            .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
    })
    .count();
    assert_eq!(
        applied,
        i64::try_from(files).unwrap(),
        "each migration recorded once"
    );
    let listed = again.list().await.unwrap();
    assert_eq!(listed.len(), 1, "the data survives a second run");
    assert_eq!(listed[0].sale, sale);
}

#[tokio::test]
async fn the_file_is_in_wal_mode_with_full_synchronous_commits() {
    let (path, _folder) = fresh_path();
    let store = open_store(&path).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.writer())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(store.writer())
        .await
        .unwrap();
    assert_eq!(synchronous, 2, "FULL");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(store.reader())
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
    let written = sqlx::query("DELETE FROM sales")
        .execute(store.reader())
        .await;
    assert!(written.is_err(), "the read pool cannot write");
}

#[tokio::test]
async fn a_file_that_is_no_database_is_refused_when_opened() {
    let (path, _folder) = fresh_path();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, vec![b'x'; 8192]).unwrap();
    let opened = SqliteStore::open(&SqliteSettings::new(&path)).await;
    assert!(matches!(opened, Err(SqliteError::Connect(_))), "{opened:?}");
}
