//! The adapter's errors: setting up the store, and failures inside a port call.

use flashsale_application::ports::{CatalogError, OrderStoreError, PortFailure};
use flashsale_sql::InvalidRow;

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

/// A failure inside one port call; it becomes the port's `Unavailable` or `Refused`, whose
/// [`PortFailure`] keeps it (and the driver's error under it) as its source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreFailure {
    /// The database refused or did not answer.
    #[error("{during}")]
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

/// Wraps a driver error with what the adapter was doing.
pub(crate) fn during(during: &'static str) -> impl FnOnce(sqlx::Error) -> StoreFailure {
    move |source| StoreFailure::Database { during, source }
}

/// MySQL/MariaDB error numbers after which the same statement may succeed: lock wait timeout,
/// deadlock, too many connections, server gone away or lost, server shutting down, query
/// interrupted, read-only during failover.
const TRANSIENT_ERROR_NUMBERS: [u16; 9] = [1205, 1213, 1040, 2006, 2013, 1053, 1317, 1290, 1927];

/// Whether a database error with this number may pass on a retry.
fn is_transient_number(number: u16) -> bool {
    TRANSIENT_ERROR_NUMBERS.contains(&number)
}

impl StoreFailure {
    /// Whether retrying may help: a connection or pool problem, or a transient database error;
    /// not a constraint, a trigger's refusal, a bad value, or a row the domain refuses.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Database { source, .. } => match source {
                sqlx::Error::Database(error) => error
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .is_none_or(|mysql| is_transient_number(mysql.number())),
                _ => true,
            },
            Self::InvalidRow(_) => false,
            Self::StockMoved { .. } => true,
        }
    }
}

impl From<StoreFailure> for PortFailure {
    /// The failure's own text, prefixed, as the context (so the port error alone says what
    /// failed); the failure itself, with the driver's error under it, as the source.
    fn from(failure: StoreFailure) -> Self {
        PortFailure::caused_by(format!("mysql: {failure}"), failure)
    }
}

impl From<StoreFailure> for OrderStoreError {
    fn from(failure: StoreFailure) -> Self {
        if failure.is_transient() {
            OrderStoreError::Unavailable(failure.into())
        } else {
            OrderStoreError::Refused(failure.into())
        }
    }
}

impl From<StoreFailure> for CatalogError {
    fn from(failure: StoreFailure) -> Self {
        CatalogError::Unavailable(failure.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlocks_lock_waits_and_lost_connections_are_transient() {
        for number in [1205, 1213, 2006, 2013] {
            assert!(is_transient_number(number), "{number}");
        }
    }

    #[test]
    fn constraints_triggers_and_bad_values_are_permanent() {
        // duplicate key, foreign key, null, too long, out of range, trigger SIGNAL, CHECK
        for number in [1062, 1452, 1048, 1406, 1264, 1644, 4025] {
            assert!(!is_transient_number(number), "{number}");
        }
    }

    #[test]
    fn a_lost_connection_is_transient_and_an_invalid_row_is_not() {
        let lost = StoreFailure::Database {
            during: "persisting",
            source: sqlx::Error::PoolTimedOut,
        };
        assert!(matches!(
            OrderStoreError::from(lost),
            OrderStoreError::Unavailable(_)
        ));
        let invalid = StoreFailure::InvalidRow(InvalidRow {
            table: "orders",
            key: "k".into(),
            problem: "bad".into(),
        });
        assert!(matches!(
            OrderStoreError::from(invalid),
            OrderStoreError::Refused(_)
        ));
    }
}
