//! Listing sales with their remaining stock, from the in-process snapshot (`catalog`).

use std::sync::Arc;

use flashsale_application::ports::Clock;
use flashsale_application::{FlashSale, Ports};
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::ApiTags;
use crate::catalog::SalesSnapshot;
use crate::errors::{failure_into, Failure};
use crate::problem::Problem;
use crate::schemas::SaleSummary;

/// Public sale listing.
pub struct SalesApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
    /// The sales as last listed.
    pub catalog: SalesSnapshot<P>,
}

/// Outcome of listing sales.
#[derive(ApiResponse)]
pub enum ListSalesResponse {
    /// Every sale, by start time, as last listed (`remaining` may lag by the refresh interval).
    #[oai(status = 200)]
    Ok(Json<Vec<SaleSummary>>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// The last listing failed or is too old; retry after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(ListSalesResponse {} retry { 503 => Unavailable });

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Sales")]
impl<P: Ports> SalesApi<P> {
    /// List sales
    ///
    /// Every sale with its window, its per-user limit and the units still available. Public.
    /// Served from a snapshot the server refreshes every `http.catalog_refresh_ms` (500 ms by
    /// default), so `remaining` may lag the live count by that much.
    #[oai(path = "/sales", method = "get", operation_id = "listSales")]
    async fn list_sales(&self) -> ListSalesResponse {
        match self.catalog.wait_current().await {
            Ok(views) => {
                let now = self.service.ports().clock.now();
                let sales = views
                    .iter()
                    .map(|v| SaleSummary::at(v.clone(), now))
                    .collect();
                ListSalesResponse::Ok(Json(sales))
            }
            Err(error) => Failure::from(error).into(),
        }
    }
}
