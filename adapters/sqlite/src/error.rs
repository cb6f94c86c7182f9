//! The adapter's errors: setting up the store, and what SQLite says about a failure inside a
//! port call (the shared [`flashsale_sql::StoreFailure`]).

use std::path::PathBuf;

use flashsale_sql::Dialect;
use sqlx::error::DatabaseError;

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
/// `PortFailure` keeps it (and the driver's error under it) as its source.
pub(crate) type StoreFailure = flashsale_sql::StoreFailure<Sqlite>;

/// SQLite as the shared failures need to know it: a stock that moved although the write
/// transaction read the sale first means the file was changed under the transaction's lock,
/// and its transient errors are known by their result codes.
#[derive(Debug)]
pub(crate) struct Sqlite;

impl Dialect for Sqlite {
    const NAME: &'static str = "sqlite";
    const STOCK_MOVED: &'static str = "inside its write transaction";

    /// A busy, locked or I/O error; not a constraint, a type mismatch, an SQL error or a
    /// corrupt file.
    fn is_transient(error: &(dyn DatabaseError + 'static)) -> bool {
        error
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_none_or(is_transient_code)
    }
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
    fn moved_stock_says_it_moved_inside_its_write_transaction() {
        assert_eq!(
            StoreFailure::stock_moved("p1".to_owned()).to_string(),
            "the stock of p1 changed inside its write transaction"
        );
    }
}
