//! Where the database file lives and how many connections read it.

use std::path::PathBuf;
use std::time::Duration;

/// Settings of the SQLite store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteSettings {
    /// The database file; it and its parent folder are created when missing. SQLite keeps two
    /// companion files beside it while open (`-wal` and `-shm`): copy or delete the three
    /// together, and only while no process has the database open.
    pub path: PathBuf,
    /// Most connections of the read pool, at least 1 (writes go through one connection of
    /// their own).
    pub read_connections: u32,
    /// How long a statement waits for a lock another process holds before failing with
    /// `SQLITE_BUSY` (`PRAGMA busy_timeout`).
    pub busy_timeout: Duration,
    /// How long a query waits for a free connection of its pool before failing; writes queue
    /// here behind each other.
    pub acquire_timeout: Duration,
}

impl SqliteSettings {
    /// Settings for the file at `path`: 4 reading connections, 5 s of busy timeout, 10 s to
    /// acquire a connection (a write may queue behind a few batches).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(10),
        }
    }
}
