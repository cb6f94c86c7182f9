//! A sale's live figures for its operators: stock, orders and this process's buys.

use std::sync::Arc;

use flashsale_application::ports::Clock;
use flashsale_application::{FlashSale, Ports};
use flashsale_domain::ProductId;
use poem_openapi::param::Path;
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::admin::admin_product;
use super::ApiTags;
use crate::auth::BearerAuth;
use crate::buy_meter::BuyMeter;
use crate::errors::{failure_into, Failure};
use crate::figures_schemas::SaleFigures;
use crate::problem::Problem;
use crate::schemas::SaleAudit;
use crate::time::to_wire;
use crate::wire::ProductIdText;

/// A sale's live figures.
pub struct AdminFiguresApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
    /// This process's buys of each sale.
    pub meter: BuyMeter,
}

/// Outcome of reading a sale's figures.
#[derive(ApiResponse)]
pub enum SaleFiguresResponse {
    /// The sale's figures now.
    #[oai(status = 200)]
    Ok(Json<SaleFigures>),
    /// The product id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token has no `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No sale for this product.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(SaleFiguresResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
} retry { 503 => Unavailable });

impl<P: Ports> AdminFiguresApi<P> {
    /// The figures of `product` now.
    pub(crate) async fn figures(&self, product: &ProductId) -> Result<SaleFigures, Failure> {
        let audit = self.service.audit_sale(product).await?;
        Ok(SaleFigures {
            at: to_wire(self.service.ports().clock.now()),
            sale: SaleAudit::of(product.as_str(), &audit),
            buys: self.meter.activity(product).into(),
        })
    }
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl<P: Ports> AdminFiguresApi<P> {
    /// Get a sale's live figures
    ///
    /// What an operator watches during a sale: the stock as the database and the stock gate
    /// hold it (remaining units, reservations in flight, units pending payment and paid, as
    /// the audit shows them), and this API process's buys of the sale over the last seconds
    /// (accepted, sold out, refused, rate limited and failed per second, p50 and p99 of the
    /// time to answer). Each API process counts its own buys. Needs a token with the `admin`
    /// claim.
    #[oai(
        path = "/sales/:productId/figures",
        method = "get",
        operation_id = "getSaleFigures"
    )]
    async fn get_sale_figures(
        &self,
        auth: BearerAuth,
        /// The product whose figures to read.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> SaleFiguresResponse {
        let product = match admin_product(&auth, product_id.0) {
            Ok(product) => product,
            Err(failure) => return failure.into(),
        };
        match self.figures(&product).await {
            Ok(figures) => SaleFiguresResponse::Ok(Json(figures)),
            Err(failure) => failure.into(),
        }
    }
}
