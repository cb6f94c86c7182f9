//! Liveness and readiness probes.

use std::sync::Arc;

use flashsale_application::{FlashSale, Ports};
use poem_openapi::{payload::Json, payload::PlainText, ApiResponse, OpenApi};

use super::ApiTags;
use crate::errors::{failure_into, Failure};
use crate::problem::Problem;

/// Probes for orchestrators.
pub struct HealthApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
}

/// Outcome of the liveness probe.
#[derive(ApiResponse)]
pub enum LiveResponse {
    /// The process serves requests.
    #[oai(status = 200)]
    Ok(PlainText<&'static str>),
}

/// Outcome of the readiness probe.
#[derive(ApiResponse)]
pub enum ReadyResponse {
    /// Every dependency answers.
    #[oai(status = 200)]
    Ok(PlainText<&'static str>),
    /// A dependency does not answer.
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
    /// Answers `200` when the catalog and the stock gate answer.
    #[oai(path = "/readyz", method = "get", operation_id = "readiness")]
    async fn readyz(&self) -> ReadyResponse {
        match self.service.list_sales().await {
            Ok(_) => ReadyResponse::Ok(PlainText("ready")),
            Err(error) => Failure::from(error).into(),
        }
    }
}
