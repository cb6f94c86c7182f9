//! The SQLite store honours the same port contracts as the MySQL adapter and the in-memory
//! database, each contract on a fresh database file of its own.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::fresh_store;
use flashsale_contracts::{
    catalog_controls_contract, order_closing_contract, order_events_contract,
    order_payment_contract, order_store_contract, result_store_contract, sale_orders_contract,
};

#[tokio::test]
async fn the_sqlite_store_fulfils_the_order_store_contract() {
    let (store, _folder) = fresh_store().await;
    order_store_contract(store, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_fulfils_the_order_closing_contract() {
    let (store, _folder) = fresh_store().await;
    order_closing_contract(store, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_fulfils_the_sale_orders_contract() {
    let (store, _folder) = fresh_store().await;
    sale_orders_contract(store, "sqlite").await;
}

#[tokio::test]
async fn the_sqlite_catalog_remembers_an_operators_controls() {
    let (store, _folder) = fresh_store().await;
    catalog_controls_contract(store, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_fulfils_the_order_events_contract() {
    let (store, _folder) = fresh_store().await;
    order_events_contract(store, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqlite_store_fulfils_the_order_payment_contract() {
    let (store, _folder) = fresh_store().await;
    order_payment_contract(store, "sqlite").await;
}

#[tokio::test]
async fn the_sqlite_store_fulfils_the_result_store_contract() {
    let (store, _folder) = fresh_store().await;
    result_store_contract(store, "sqlite").await;
}
