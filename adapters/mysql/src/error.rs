//! The adapter's errors: setting up the store, and what MySQL/MariaDB says about a failure
//! inside a port call (the shared [`flashsale_sql::StoreFailure`]).

use flashsale_sql::Dialect;
use sqlx::error::DatabaseError;

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
/// `PortFailure` keeps it (and the driver's error under it) as its source.
pub(crate) type StoreFailure = flashsale_sql::StoreFailure<MySql>;

/// MySQL/MariaDB as the shared failures need to know it: its stock moves under a row lock, and
/// its transient errors are known by their numbers.
#[derive(Debug)]
pub(crate) struct MySql;

impl Dialect for MySql {
    const NAME: &'static str = "mysql";
    const STOCK_MOVED: &'static str = "under its row lock";

    /// A connection or pool problem, or a transient database error; not a constraint, a
    /// trigger's refusal or a bad value.
    fn is_transient(error: &(dyn DatabaseError + 'static)) -> bool {
        error
            .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
            .is_none_or(|mysql| is_transient_number(mysql.number()))
    }
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
    fn moved_stock_says_it_moved_under_its_row_lock() {
        assert_eq!(
            StoreFailure::stock_moved("p1".to_owned()).to_string(),
            "the stock of p1 changed under its row lock"
        );
    }
}
