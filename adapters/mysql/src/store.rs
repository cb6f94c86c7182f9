//! The store: a connection pool to one database, and the migrations that shape it.

use sqlx::migrate::Migrator;
use sqlx::mysql::{MySqlPool, MySqlPoolOptions};

use crate::{MySqlError, MySqlSettings};

/// The migrations of `migrations/` at the workspace root, embedded at compile time.
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// The order store and sale catalog on MySQL or MariaDB. Cloning shares the pool.
#[derive(Debug, Clone)]
pub struct MySqlStore {
    pool: MySqlPool,
}

impl MySqlStore {
    /// Opens the pool and checks that the database answers.
    ///
    /// # Errors
    /// [`MySqlError::Connect`] when the URL is invalid or no connection can be opened.
    pub async fn connect(settings: &MySqlSettings) -> Result<Self, MySqlError> {
        let pool = MySqlPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(settings.min_connections)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout)
            .connect(&settings.url)
            .await
            .map_err(MySqlError::Connect)?;
        Ok(Self { pool })
    }

    /// Applies the migrations not yet applied; running it again changes nothing.
    ///
    /// # Errors
    /// [`MySqlError::Migrate`] when a migration fails, or the database holds a migration this
    /// build does not know or one whose file changed since it was applied.
    pub async fn migrate(&self) -> Result<(), MySqlError> {
        MIGRATOR.run(&self.pool).await.map_err(MySqlError::Migrate)
    }

    /// A store on a pool made elsewhere (a lazy one, in tests).
    #[cfg(test)]
    pub(crate) fn from_pool(pool: MySqlPool) -> Self {
        Self { pool }
    }

    /// The pool, for tests and checks that read the tables directly.
    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }
}
