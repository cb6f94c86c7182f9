//! The Redis container.

use crate::probe::Probe;
use crate::service::{Service, ServiceKind};
use crate::StackError;

/// Port Redis serves on inside the container.
const REDIS_PORT: u16 = 6379;

/// The throwaway test server's password, passed as `REDIS_PASSWORD` (the image must require it,
/// as `docker/redis` and `bitnami/redis` do).
pub(crate) const PASSWORD: &str = "flashsale-test-redis";

/// `redis://:password@host:port/` for a published Redis.
pub(crate) fn url(host: &str, port: u16) -> String {
    format!("redis://:{PASSWORD}@{host}:{port}/")
}

/// Starts Redis and waits until it answers PING.
pub(crate) async fn start(image: &str) -> Result<Service, StackError> {
    Service::launch(
        ServiceKind::Redis,
        image,
        REDIS_PORT,
        |_, _| vec![("REDIS_PASSWORD".to_owned(), PASSWORD.to_owned())],
        |host, port| Probe::Redis {
            url: url(host, port),
        },
    )
    .await
}
