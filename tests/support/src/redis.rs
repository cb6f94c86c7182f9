//! The Redis container.

use crate::probe::Probe;
use crate::service::{Service, ServiceKind};
use crate::StackError;

/// Port Redis serves on inside the container.
const REDIS_PORT: u16 = 6379;

/// `redis://host:port/` for a published Redis.
pub(crate) fn url(host: &str, port: u16) -> String {
    format!("redis://{host}:{port}/")
}

/// Starts Redis and waits until it answers PING.
pub(crate) async fn start(image: &str) -> Result<Service, StackError> {
    Service::launch(
        ServiceKind::Redis,
        image,
        REDIS_PORT,
        |_, _| Vec::new(),
        |host, port| Probe::Redis {
            url: url(host, port),
        },
    )
    .await
}
