//! The SQLite store under load: batches racing for one product (in one store, and in two stores
//! on one file, as two processes would), batches larger than one statement, and the schema's
//! own guards.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    count, count_orders, fresh_path, fresh_store, new_order, open_store, persist_retrying,
    remaining_of,
};
use flashsale_application::ports::{
    CatalogError, NewOrder, OrderStore, OrderStoreError, Persisted, SaleCatalog,
};
use flashsale_application::ErrorChain;
use flashsale_contracts::Fixtures;
use flashsale_domain::{FailureReason, ProductId, RequestId};
use flashsale_sqlite::SqliteStore;

/// Whether `error` or one of its sources is a `T`.
fn has_cause<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |&e| e.source()).any(|e| e.is::<T>())
}

/// `TASKS` batches of `PER_TASK` racing for `STOCK` units, spread over `stores` (clones of one
/// store, or stores on one file), with a watcher checking the stock is conserved meanwhile.
async fn race(stores: &[SqliteStore], f: &Fixtures, product: &ProductId) -> Vec<Persisted> {
    const TASKS: usize = 8;
    const PER_TASK: usize = 50;
    let done = Arc::new(AtomicBool::new(false));
    let samples = Arc::new(AtomicUsize::new(0));
    let watcher = tokio::spawn({
        let (store, done, samples) = (stores[0].clone(), done.clone(), samples.clone());
        async move {
            while !done.load(Ordering::SeqCst) {
                for snapshot in store.snapshots().await.unwrap() {
                    let held: u32 = snapshot.buyers.iter().map(|(_, _, q)| q.get()).sum();
                    assert_eq!(
                        snapshot.remaining + held,
                        snapshot.sale.stock(),
                        "stock is conserved"
                    );
                }
                samples.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
    });
    // Users of the last task are those of the first, with other requests: contested buyers.
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let batch: Vec<NewOrder> = (0..PER_TASK)
                .map(|i| {
                    let user = (task * PER_TASK + i) % ((TASKS - 1) * PER_TASK);
                    new_order(f.reservation(product, user, &format!("{task}-{i}")))
                })
                .collect();
            let store = stores[task % stores.len()].clone();
            tokio::spawn(async move { persist_retrying(&store, &batch).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (batch_outcomes, failed) = task.await.unwrap();
        assert_eq!(batch_outcomes.len(), PER_TASK);
        outcomes.extend(batch_outcomes);
        failures += failed;
    }
    done.store(true, Ordering::SeqCst);
    watcher.await.unwrap();
    eprintln!(
        "race: {TASKS} batches of {PER_TASK} over {} store(s) in {:?}, {failures} failed \
         attempts retried, {} consistent snapshots sampled",
        stores.len(),
        started.elapsed(),
        samples.load(Ordering::SeqCst)
    );
    assert_eq!(outcomes.len(), TASKS * PER_TASK);
    outcomes
}

/// Exactly `stock` orders, to as many buyers, and every other reservation refused.
async fn assert_sold_exactly(store: &SqliteStore, product: &ProductId, outcomes: &[Persisted]) {
    let stock = store.sale(product).await.unwrap().unwrap().sale.stock();
    let created = count(outcomes, |o| matches!(o, Persisted::Created(_)));
    let sold_out = count(outcomes, |o| {
        o == &Persisted::Refused(FailureReason::SoldOut)
    });
    let already = count(outcomes, |o| {
        o == &Persisted::Refused(FailureReason::AlreadyPurchased)
    });
    assert_eq!(created, stock as usize, "exactly the stock became orders");
    assert_eq!(created + sold_out + already, outcomes.len());
    assert_eq!(remaining_of(store, product).await, 0);
    assert_eq!(count_orders(store, product).await, i64::from(stock));
    let users: HashSet<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            Persisted::Created(order) => Some(order.user_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(users.len(), stock as usize, "no buyer holds two orders");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_batches_racing_for_one_product_never_oversell() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("race");
    let sale = f.open_sale("hot", 100);
    store.create(&sale).await.unwrap();
    let outcomes = race(std::slice::from_ref(&store), &f, sale.product_id()).await;
    assert_sold_exactly(&store, sale.product_id(), &outcomes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batches_of_two_stores_on_one_file_never_oversell() {
    let (path, _folder) = fresh_path();
    let stores = [open_store(&path).await, open_store(&path).await];
    let f = Fixtures::new("twins");
    let sale = f.open_sale("hot", 100);
    stores[0].create(&sale).await.unwrap();
    let outcomes = race(&stores, &f, sale.product_id()).await;
    assert_sold_exactly(&stores[1], sale.product_id(), &outcomes).await;
}

#[tokio::test]
async fn a_batch_of_two_thousand_is_one_transaction_across_its_chunks() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("large");
    let (small, big) = (f.open_sale("small", 700), f.open_sale("big", 1_000));
    store.create(&small).await.unwrap();
    store.create(&big).await.unwrap();
    let products = [small.product_id().clone(), big.product_id().clone()];

    let seed = new_order(f.reservation(&products[1], 9_999, "seed"));
    let (seeded, _) = persist_retrying(&store, std::slice::from_ref(&seed)).await;
    assert!(matches!(seeded[0], Persisted::Created(_)));

    // Alternating products, distinct buyers and requests.
    let batch: Vec<NewOrder> = (0..2_000)
        .map(|i| new_order(f.reservation(&products[i % 2], i, &i.to_string())))
        .collect();

    // The last order to be created (#1997; #1999 finds no stock) reuses the seed's order id:
    // its insert, in the fourth chunk, fails after three chunks went in.
    let mut poisoned = batch.clone();
    poisoned[1_997].order_id = seed.order_id.clone();
    let error = match store.persist(&poisoned).await {
        Ok(outcomes) => panic!(
            "a duplicate order id was stored ({} outcomes)",
            outcomes.len()
        ),
        Err(error) => error,
    };
    let chain = ErrorChain(&error).to_string();
    assert!(
        matches!(&error, OrderStoreError::Refused(_)) && chain.contains("UNIQUE"),
        "{chain}"
    );
    assert!(
        has_cause::<sqlx::Error>(&error),
        "the driver's error is kept as a source: {error:?}"
    );
    assert_eq!(remaining_of(&store, &products[0]).await, 700, "rolled back");
    assert_eq!(remaining_of(&store, &products[1]).await, 999, "rolled back");
    assert_eq!(count_orders(&store, &products[0]).await, 0, "rolled back");
    assert_eq!(count_orders(&store, &products[1]).await, 1, "rolled back");

    let started = Instant::now();
    let outcomes = store.persist(&batch).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(outcomes.len(), 2_000);
    for (i, outcome) in outcomes.iter().enumerate() {
        let nth = i / 2; // position among this product's reservations
        let expected_created = if i % 2 == 0 { nth < 700 } else { nth < 999 };
        if expected_created {
            let Persisted::Created(order) = outcome else {
                panic!("#{i} created: {outcome:?}")
            };
            assert_eq!(order.id, batch[i].order_id);
        } else {
            assert_eq!(
                outcome,
                &Persisted::Refused(FailureReason::SoldOut),
                "#{i}: stock is allocated in input order"
            );
        }
    }
    assert_eq!(remaining_of(&store, &products[0]).await, 0);
    assert_eq!(remaining_of(&store, &products[1]).await, 0);
    assert_eq!(count_orders(&store, &products[0]).await, 700);
    assert_eq!(count_orders(&store, &products[1]).await, 1_000);

    let redelivered = store.persist(&batch).await.unwrap();
    let again = count(&redelivered, |o| {
        matches!(o, Persisted::AlreadyPersisted(_))
    });
    assert_eq!(
        again, 1_699,
        "a redelivered batch finds every order it created"
    );
    eprintln!("large: 2,000 reservations persisted in {elapsed:?}");
}

#[tokio::test]
async fn sales_are_listed_by_start_time_then_product_id() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("list");
    let later = f.sale("a-later", 3, 2, 60_000, 120_000);
    let sooner_b = f.sale("b-sooner", 4, 1, -60_000, 60_000);
    let sooner_a = f.sale("A-sooner", 5, 1, -60_000, 60_000);
    let sooner_c = f.sale("c-sooner", 6, 1, -60_000, 60_000);
    for sale in [&later, &sooner_b, &sooner_a, &sooner_c] {
        store.create(sale).await.unwrap();
    }
    assert_eq!(
        store.create(&sooner_a).await,
        Err(CatalogError::AlreadyExists)
    );

    let listed: Vec<_> = store
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.sale.product_id().to_string())
        .collect();
    let mut sooner: Vec<_> = [&sooner_a, &sooner_b, &sooner_c]
        .iter()
        .map(|s| (s.window().starts_at(), s.product_id().to_string()))
        .collect();
    sooner.sort();
    let mut expected: Vec<_> = sooner.into_iter().map(|(_, id)| id).collect();
    expected.push(later.product_id().to_string());
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn a_stored_value_the_domain_refuses_makes_the_store_unavailable_not_panic() {
    let (store, _folder) = fresh_store().await;
    sqlx::query(
        "INSERT INTO sales (product_id, name, stock, remaining, starts_at_ms, ends_at_ms, \
         per_user_limit, created_at_ms) VALUES ('bad', '   ', 1, 1, 1, 2, 1, 0)",
    )
    .execute(store.writer())
    .await
    .unwrap();

    let listed = store.list().await;
    assert!(
        matches!(&listed, Err(error @ CatalogError::Unavailable(_))
            if ErrorChain(error).to_string().contains("bad")),
        "{listed:?}"
    );
    assert!(matches!(
        store.snapshots().await,
        Err(CatalogError::Unavailable(_))
    ));
}

#[tokio::test]
async fn the_schema_itself_refuses_negative_or_excess_stock_and_orphans() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("schema");
    let sale = f.open_sale("guarded", 1);
    let product = sale.product_id().clone();
    store.create(&sale).await.unwrap();
    let set = |sql: &'static str| {
        sqlx::query(sql)
            .bind(product.as_str())
            .execute(store.writer())
    };

    set("UPDATE sales SET remaining = 0 WHERE product_id = ?")
        .await
        .unwrap();
    let below_zero = set("UPDATE sales SET remaining = remaining - 1 WHERE product_id = ?").await;
    assert!(below_zero.is_err(), "the CHECK refuses a negative stock");
    let above_stock = set("UPDATE sales SET remaining = stock + 1 WHERE product_id = ?").await;
    assert!(
        above_stock.is_err(),
        "the CHECK refuses more than the stock"
    );
    let text = set("UPDATE sales SET remaining = 'one' WHERE product_id = ?").await;
    assert!(text.is_err(), "a STRICT table refuses text in an integer");
    assert_eq!(remaining_of(&store, &product).await, 0);

    let orphan = sqlx::query(
        "INSERT INTO orders (order_id, request_id, user_id, product_id, quantity, \
         created_at_ms, payment_deadline_ms) VALUES ('o', 'r', 'u', 'nowhere', 1, 0, 1)",
    )
    .execute(store.writer())
    .await;
    assert!(orphan.is_err(), "an order needs its sale");
    let unknown = sqlx::query(
        "INSERT INTO orders (order_id, request_id, user_id, product_id, quantity, status, \
         created_at_ms, payment_deadline_ms) VALUES ('o', 'r', 'u', ?, 1, 'shipped', 0, 1)",
    )
    .bind(product.as_str())
    .execute(store.writer())
    .await;
    assert!(
        unknown.is_err(),
        "an order's status is one the domain knows"
    );
}

#[tokio::test]
async fn a_shut_store_is_unavailable_with_the_driver_error_as_its_cause() {
    let (store, _folder) = fresh_store().await;
    store.shutdown().await;
    let error = store
        .find_order(&RequestId::parse("r-1").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, OrderStoreError::Unavailable(_)),
        "{error:?}"
    );
    assert!(has_cause::<sqlx::Error>(&error), "{error:?}");
    let chain = ErrorChain(&error).to_string();
    assert!(
        chain.starts_with("the order store is unavailable: sqlite: reading an order by request: "),
        "{chain}"
    );
    let error = store.list().await.unwrap_err();
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
}

/// The system clock in milliseconds since the Unix epoch.
fn unix_millis() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

#[tokio::test]
async fn rows_are_stamped_with_the_databases_clock_in_milliseconds() {
    let (store, _folder) = fresh_store().await;
    let f = Fixtures::new("clock");
    let sale = f.open_sale("stamped", 1);
    let before = unix_millis();
    store.create(&sale).await.unwrap();
    let restock = f.restock("1");
    store
        .add_units(sale.product_id(), 1, &restock)
        .await
        .unwrap();
    let after = unix_millis();
    for table in ["sales", "sale_restocks"] {
        let stamped: i64 = sqlx::query_scalar(&format!(
            "SELECT created_at_ms FROM {table} WHERE product_id = ?"
        ))
        .bind(sale.product_id().as_str())
        .fetch_one(store.reader())
        .await
        .unwrap();
        assert!(
            (before - 5..=after + 5).contains(&stamped),
            "{table}: {before} <= {stamped} <= {after}"
        );
    }
}
