//! The adapter's errors: setting up the store, and failures inside a port call.

use flashsale_application::ports::{CatalogError, OrderStoreError};

/// Why the store could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MySqlError {
    /// The pool could not open a connection.
    #[error("cannot connect to the database")]
    Connect(#[source] sqlx::Error),
    /// A migration failed or the database holds migrations this build does not know.
    #[error("cannot migrate the database")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// A failure inside one port call; it becomes the port's `Unavailable` with this message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreFailure {
    /// The database refused or did not answer.
    #[error("{during}: {source}")]
    Database {
        /// What the adapter was doing.
        during: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A stored row holds a value the domain refuses.
    #[error("{0}")]
    InvalidRow(#[from] InvalidRow),
    /// The conditional decrement found less stock than the locked row showed.
    #[error("the stock of {product} changed under its row lock")]
    StockMoved {
        /// The product whose decrement matched no row.
        product: String,
    },
}

/// A stored value the domain refuses: the row cannot be turned into a domain object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {table} row {key:?}: {problem}")]
pub(crate) struct InvalidRow {
    /// The table.
    pub table: &'static str,
    /// The row's key as stored.
    pub key: String,
    /// What the domain refused.
    pub problem: String,
}

/// Wraps a driver error with what the adapter was doing.
pub(crate) fn during(during: &'static str) -> impl FnOnce(sqlx::Error) -> StoreFailure {
    move |source| StoreFailure::Database { during, source }
}

impl From<StoreFailure> for OrderStoreError {
    fn from(failure: StoreFailure) -> Self {
        OrderStoreError::Unavailable(failure.to_string())
    }
}

impl From<StoreFailure> for CatalogError {
    fn from(failure: StoreFailure) -> Self {
        CatalogError::Unavailable(failure.to_string())
    }
}
