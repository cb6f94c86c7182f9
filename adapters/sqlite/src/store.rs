//! The store: one database file, a write pool of one connection and a read pool, and the
//! migrations that shape it.
//!
//! SQLite lets one connection write at a time, so every write goes through the write pool's
//! single connection: concurrent writers queue for it in the pool (bounded by
//! `acquire_timeout`) rather than failing with `SQLITE_BUSY`, and each write transaction opens
//! with `BEGIN IMMEDIATE`, taking the file's write lock before its first read (another process
//! on the same file then waits up to `busy_timeout`). Reads go through the read pool, whose
//! connections are `query_only`: in WAL mode they read the last committed state without
//! waiting for the writer, and a read transaction sees one consistent snapshot.

use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::error::{during, StoreFailure};
use crate::{SqliteError, SqliteSettings};

/// The migrations of `migrations/sqlite/` at the workspace root, embedded at compile time.
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations/sqlite");

/// The order store, sale catalog, order-events outbox and purchase results on one SQLite file.
/// Cloning shares the pools.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens the database file, creating it and its parent folder when missing, in WAL mode
    /// with `synchronous = FULL` and foreign keys enforced.
    ///
    /// # Errors
    /// [`SqliteError::CreateFolder`] when the parent folder cannot be created,
    /// [`SqliteError::Connect`] when the file cannot be opened or is no SQLite database.
    pub async fn open(settings: &SqliteSettings) -> Result<Self, SqliteError> {
        if let Some(parent) = settings.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| SqliteError::CreateFolder {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let common = SqliteConnectOptions::new()
            .filename(&settings.path)
            .foreign_keys(true)
            .busy_timeout(settings.busy_timeout);
        // The writer opens first: it creates the file and switches it to WAL (a setting stored
        // in the file, which needs the only connection), before any reader opens it.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(
                common
                    .clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full),
            )
            .await
            .map_err(SqliteError::Connect)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(settings.read_connections.max(1))
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(common.pragma("query_only", "ON"))
            .await
            .map_err(SqliteError::Connect)?;
        Ok(Self { writer, reader })
    }

    /// Applies the migrations not yet applied; running it again changes nothing.
    ///
    /// # Errors
    /// [`SqliteError::Migrate`] when a migration fails, or the file holds a migration this
    /// build does not know or one whose file changed since it was applied.
    pub async fn migrate(&self) -> Result<(), SqliteError> {
        MIGRATOR
            .run(&self.writer)
            .await
            .map_err(SqliteError::Migrate)
    }

    /// Closes both pools, waiting for the connections in use to come back; the last one to
    /// close checkpoints the WAL into the database file. Queries after this fail.
    pub async fn shutdown(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The write pool (one connection), for tests and checks that change the tables directly.
    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// The read pool, for reads outside a write transaction.
    pub fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// A write transaction on the write connection, holding the file's write lock from its
    /// start (`BEGIN IMMEDIATE`): what it reads cannot change before it commits.
    pub(crate) async fn begin_write(
        &self,
        what: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreFailure> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(during(what))
    }
}
