//! Against a database that does not answer, the ports' failures keep the driver's error as
//! their cause.
#![allow(clippy::unwrap_used)]

use std::error::Error;
use std::time::Duration;

use flashsale_application::ports::{CatalogError, OrderStore, OrderStoreError, SaleCatalog};
use flashsale_application::ErrorChain;
use flashsale_domain::RequestId;
use sqlx::mysql::MySqlPoolOptions;

use crate::MySqlStore;

/// A store whose pool points at a loopback port nobody listens on (bound, then released).
fn unreachable_store() -> MySqlStore {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap();
    let pool = MySqlPoolOptions::new()
        .acquire_timeout(Duration::from_millis(300))
        .connect_lazy(&format!("mysql://nobody@127.0.0.1:{port}/none"))
        .unwrap();
    MySqlStore::from_pool(pool)
}

/// Whether `error` or one of its sources is a driver error.
fn has_sqlx_cause(error: &(dyn Error + 'static)) -> bool {
    std::iter::successors(Some(error), |&e| e.source()).any(|e| e.is::<sqlx::Error>())
}

#[tokio::test]
async fn an_unreachable_order_store_is_unavailable_with_the_driver_error_as_its_cause() {
    let store = unreachable_store();
    let error = store
        .find_order(&RequestId::parse("r-1").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, OrderStoreError::Unavailable(_)),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert!(has_sqlx_cause(&error), "{error:?}");
    let chain = ErrorChain(&error).to_string();
    assert!(
        chain.starts_with("the order store is unavailable: mysql: reading an order by request: "),
        "{chain}"
    );
}

#[tokio::test]
async fn an_unreachable_catalog_is_unavailable_with_the_driver_error_as_its_cause() {
    let store = unreachable_store();
    let error = store.list().await.unwrap_err();
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
    assert!(has_sqlx_cause(&error), "{error:?}");
}
