//! Liveness and readiness probes. Neither takes a permit of the in-flight limit, and readiness
//! reads the snapshot of the sales instead of querying the catalog.

use flashsale_application::Ports;
use poem_openapi::{payload::Json, payload::PlainText, ApiResponse, OpenApi};

use super::ApiTags;
use crate::catalog::SalesSnapshot;
use crate::errors::{failure_into, Failure};
use crate::problem::Problem;
use crate::readiness::Readiness;

/// Probes for orchestrators.
pub struct HealthApi<P: Ports> {
    /// The sales as last listed.
    pub catalog: SalesSnapshot<P>,
    /// The process's other conditions: dependency checks, and whether it is stopping.
    pub readiness: Readiness,
}

/// Outcome of the liveness probe.
#[derive(ApiResponse)]
pub enum LiveResponse {
    /// The process serves requests.
    #[oai(status = 200)]
    Ok(PlainText<&'static str>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
}

/// Outcome of the readiness probe.
#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Every dependency can serve and the last listing of the sales succeeded and is fresh.
    #[oai(status = 200)]
    Ok(PlainText<&'static str>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency cannot serve yet (e.g. the queue's producer has no id yet), the process is
    /// stopping, or the last listing of the sales failed or is too old; `detail` says which.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(ReadyResponse {} retry { 503 => Unavailable });

#[OpenApi(tag = "ApiTags::Health")]
impl<P: Ports> HealthApi<P> {
    /// Liveness
    ///
    /// Answers while the process serves requests.
    #[oai(path = "/healthz", method = "get", operation_id = "liveness")]
    async fn healthz(&self) -> LiveResponse {
        LiveResponse::Ok(PlainText("ok"))
    }

    /// Readiness
    ///
    /// Answers `200` when every dependency this process uses can serve (in production the
    /// Kafka producer has its idempotence id, and a worker's consumer its assignment), the
    /// process is not stopping, and the last listing of the sales (catalog and stock gate,
    /// refreshed every `http.catalog_refresh_ms`) succeeded and is at most four intervals old;
    /// `503` otherwise, saying why. Queries nothing itself.
    #[oai(path = "/readyz", method = "get", operation_id = "readiness")]
    async fn readyz(&self) -> ReadyResponse {
        if let Err(why) = self.readiness.check() {
            return Failure::not_ready(&why).into();
        }
        match self.catalog.current() {
            Ok(_) => ReadyResponse::Ok(PlainText("ready")),
            Err(error) => Failure::from(error).into(),
        }
    }
}
