//! The `bb8` pool of the `Bb8` set-up (`bb8-redis`'s manager: multiplexed connections), with
//! the request timeout set on every connection it opens and its background errors logged.

use std::future::{ready, Future};
use std::pin::Pin;
use std::time::Duration;

use bb8::{CustomizeConnection, ErrorSink};
use bb8_redis::RedisConnectionManager;
use redis::aio::MultiplexedConnection;

use super::RedisSettings;
use crate::error::RedisError;

/// The pool.
pub(super) type Pool = bb8::Pool<RedisConnectionManager>;

/// Builds a pool of `pool_size` connections and opens them all.
///
/// A checkout tests the connection it hands out (bb8's `PING`), so it may take one response
/// timeout for that test plus one connect: its timeout is twice `connection_timeout`.
/// Connections never expire: they are given back only when they fail (see `slots`).
/// `bb8-redis` opens each connection with redis-rs' defaults (a connect attempt fails after
/// 1 s); bb8 retries failed attempts until the checkout timeout.
///
/// # Errors
/// When the settings are unusable or a connection cannot be opened in time.
pub(super) async fn build(settings: &RedisSettings) -> Result<Pool, RedisError> {
    if settings.connection_timeout.is_zero() {
        return Err(RedisError::Settings(
            "the connection timeout must be positive".to_owned(),
        ));
    }
    let manager = RedisConnectionManager::new(settings.url.as_str())?;
    let size = settings.pool_size.max(1);
    let pool = bb8::Pool::builder()
        .max_size(size)
        .min_idle(size)
        .max_lifetime(None)
        .idle_timeout(None)
        .connection_timeout(settings.connection_timeout.saturating_mul(2))
        .connection_customizer(Box::new(ResponseTimeout(settings.connection_timeout)))
        .error_sink(Box::new(LogErrors))
        .build(manager)
        .await?;
    Ok(pool)
}

/// Sets the response timeout of each new connection (and so of its clones): `bb8-redis`
/// opens them with redis-rs' default.
#[derive(Debug)]
struct ResponseTimeout(Duration);

impl CustomizeConnection<MultiplexedConnection, redis::RedisError> for ResponseTimeout {
    fn on_acquire<'a>(
        &'a self,
        connection: &'a mut MultiplexedConnection,
    ) -> Pin<Box<dyn Future<Output = Result<(), redis::RedisError>> + Send + 'a>> {
        connection.set_response_timeout(self.0);
        Box::pin(ready(Ok(())))
    }
}

/// Logs what bb8 does in the background: failed connects and failed validity checks.
#[derive(Debug, Clone, Copy)]
struct LogErrors;

impl ErrorSink<redis::RedisError> for LogErrors {
    fn sink(&self, error: redis::RedisError) {
        tracing::warn!(%error, "redis pool: a connection could not be opened or failed its check");
    }

    fn boxed_clone(&self) -> Box<dyn ErrorSink<redis::RedisError>> {
        Box::new(*self)
    }
}
