//! The adapter's errors: setting up the store, and failures inside a port call.

use std::path::PathBuf;

use flashsale_application::ports::{CatalogError, OrderStoreError, PortFailure, ResultStoreError};
use flashsale_sql::InvalidRow;

/// Why the store could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SqliteError {
    /// The database file's parent folder could not be created.
    #[error("cannot create the database folder {path:?}")]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// Why the file system refused.
        source: std::io::Error,
    },
    /// The database file could not be opened (or created) as an SQLite database.
    #[error("cannot open the database")]
    Connect(#[source] sqlx::Error),
    /// A migration failed or the file holds migrations this build does not know.
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
    /// A conditional stock update matched no row although the write transaction read the
    /// sale before it: the file was changed under the transaction's lock.
    #[error("the stock of {product} changed inside its write transaction")]
    StockMoved {
        /// The product whose update matched no row.
        product: String,
    },
}

/// Wraps a driver error with what the adapter was doing.
pub(crate) fn during(during: &'static str) -> impl FnOnce(sqlx::Error) -> StoreFailure {
    move |source| StoreFailure::Database { during, source }
}

/// SQLite primary result codes after which the same statement may succeed: busy (another
/// connection holds the lock past the busy timeout), locked, out of memory, I/O error, disk
/// full, cannot open the file, lock protocol error.
const TRANSIENT_PRIMARY_CODES: [i32; 7] = [5, 6, 7, 10, 13, 14, 15];

/// Whether a database error with this (extended) result code may pass on a retry. An extended
/// code carries its primary code in its low byte.
fn is_transient_code(code: i32) -> bool {
    TRANSIENT_PRIMARY_CODES.contains(&(code & 0xff))
}

impl StoreFailure {
    /// Whether retrying may help: a pool problem, or a busy, locked or I/O error; not a
    /// constraint, a type mismatch, an SQL error, a corrupt file, or a row the domain refuses.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Database { source, .. } => match source {
                sqlx::Error::Database(error) => error
                    .code()
                    .and_then(|code| code.parse::<i32>().ok())
                    .is_none_or(is_transient_code),
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
        PortFailure::caused_by(format!("sqlite: {failure}"), failure)
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

impl From<StoreFailure> for ResultStoreError {
    fn from(failure: StoreFailure) -> Self {
        ResultStoreError::Unavailable(failure.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_locked_and_io_errors_are_transient() {
        // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_IOERR_FSYNC, SQLITE_FULL
        for code in [5, 517, 6, 1034, 13] {
            assert!(is_transient_code(code), "{code}");
        }
    }

    #[test]
    fn constraints_sql_errors_and_corruption_are_permanent() {
        // SQLITE_ERROR, SQLITE_CORRUPT, SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _FOREIGNKEY,
        // _CHECK, _NOTNULL, SQLITE_MISMATCH, SQLITE_READONLY
        for code in [1, 11, 2067, 1555, 787, 275, 1299, 20, 8] {
            assert!(!is_transient_code(code), "{code}");
        }
    }

    #[test]
    fn a_pool_timeout_is_transient_and_an_invalid_row_is_not() {
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
