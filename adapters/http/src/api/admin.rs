//! Operator operations: creating, auditing, pausing, resuming and closing sales, moving their
//! end and adding units.

use std::sync::Arc;

use flashsale_application::ports::Clock;
use flashsale_application::{FlashSale, Ports, SaleView};
use flashsale_domain::{
    PaymentWindow, ProductId, Quantity, RestockId, Sale, SaleError, SaleWindow, Timestamp,
};
use poem_openapi::{param::Path, payload::Json, ApiResponse, OpenApi};
use validator::Validate;

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::catalog::SalesSnapshot;
use crate::errors::{failure_into, Failure};
use crate::problem::{Problem, ProblemType};
use crate::schemas::{NewSale, NewUnits, SaleAudit, SaleEnd, SaleSummary};
use crate::time::from_wire;
use crate::wire::ProductIdText;

/// Admin operations.
pub struct AdminApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
    /// The sales as last listed, refreshed when a sale is created.
    pub catalog: SalesSnapshot<P>,
}

/// Outcome of creating a sale.
#[derive(ApiResponse)]
pub enum CreateSaleResponse {
    /// The sale exists and its stock is loaded.
    #[oai(status = 201)]
    Created(Json<SaleSummary>),
    /// The body is malformed or has unknown fields.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token lacks the `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// The body is larger than the server accepts.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// A sale for this product exists already (`sale-exists`).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// A field breaks its rule.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(CreateSaleResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 409 => Conflict, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
    422 => Unprocessable,
} retry { 503 => Unavailable });

/// Outcome of auditing a sale.
#[derive(ApiResponse)]
pub enum AuditSaleResponse {
    /// The sale's counts in the system of record and in the stock gate.
    #[oai(status = 200)]
    Ok(Json<SaleAudit>),
    /// The product id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token lacks the `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No sale for this product.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(AuditSaleResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
} retry { 503 => Unavailable });

/// Outcome of pausing or resuming a sale.
#[derive(ApiResponse)]
pub enum PauseSaleResponse {
    /// The sale as buyers now see it (`status` `paused`, or `open` again while its window is).
    #[oai(status = 200)]
    Ok(Json<SaleSummary>),
    /// The product id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token lacks the `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No sale for this product.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds (calling again is safe).
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(PauseSaleResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
} retry { 503 => Unavailable });

/// Outcome of closing a sale, moving its end or adding units.
#[derive(ApiResponse)]
pub enum SaleChangeResponse {
    /// The sale as buyers now see it.
    #[oai(status = 200)]
    Ok(Json<SaleSummary>),
    /// The product id or the body is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token lacks the `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No sale for this product.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The body is larger than the server accepts.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The body is not `application/json`.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// A field breaks its rule (an end not after the sale's start, too many units).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds (calling again is safe).
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(SaleChangeResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 413 => PayloadTooLarge,
    415 => UnsupportedMediaType, 422 => Unprocessable,
} retry { 503 => Unavailable });

/// The product an admin operation is about: `403` without the `admin` claim, `400` for a
/// malformed id.
pub(super) fn admin_product(auth: &BearerAuth, text: ProductIdText) -> Result<ProductId, Failure> {
    if !auth.0.admin {
        return Err(admin_only());
    }
    ProductId::parse(text).map_err(|error| {
        Failure::new(
            ProblemType::BadRequest,
            format!("Invalid product id: {error}."),
        )
    })
}

/// `403`: the operation needs the `admin` claim.
pub(super) fn admin_only() -> Failure {
    Failure::new(
        ProblemType::Forbidden,
        "This operation needs an admin token.",
    )
}

fn to_sale(body: &NewSale, default_window: PaymentWindow) -> Result<Sale, Failure> {
    body.validate()
        .map_err(|errors| Failure::validation(&errors))?;
    let product_id = ProductId::parse(body.product_id.as_str())
        .map_err(|e| Failure::invalid_field("productId", e.to_string()))?;
    let (starts_at, ends_at) = body.window_bounds();
    let window = SaleWindow::new(starts_at, ends_at)
        .map_err(|e| Failure::invalid_field("endsAt", e.to_string()))?;
    let limit = Quantity::new(body.per_user_limit.0)
        .map_err(|e| Failure::invalid_field("perUserLimit", e.to_string()))?;
    let payment_window = match body.payment_window_secs {
        Some(secs) => PaymentWindow::from_secs(secs)
            .map_err(|e| Failure::invalid_field("paymentWindowSecs", e.to_string()))?,
        None => default_window,
    };
    let sale = Sale::new(product_id, body.name.as_str(), body.stock.0, window).map_err(|e| {
        let field = match e {
            SaleError::TooMuchStock => "stock",
            SaleError::EmptyWindow => "endsAt",
            SaleError::BlankName | SaleError::NameTooLong => "name",
        };
        Failure::invalid_field(field, e.to_string())
    })?;
    Ok(sale
        .with_per_user_limit(limit)
        .with_payment_window(payment_window)
        .with_rebuy_after_cancel(body.rebuy_after_cancel.unwrap_or(false)))
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl<P: Ports> AdminApi<P> {
    /// Create a sale
    ///
    /// Defines a sale of a product with its stock, window, per-user limit, payment window (how
    /// long a buyer has to pay an order; the server's default when absent) and whether a buyer
    /// whose order was cancelled or expired may buy again (not by default), and loads its
    /// stock for buyers. The public listing shows the new sale as soon as this answers. Needs a
    /// token with the `admin` claim.
    #[oai(path = "/sales", method = "post", operation_id = "createSale")]
    async fn create_sale(&self, auth: BearerAuth, body: Json<NewSale>) -> CreateSaleResponse {
        if !auth.0.admin {
            return admin_only().into();
        }
        let sale = match to_sale(&body.0, self.service.default_payment_window()) {
            Ok(sale) => sale,
            Err(failure) => return failure.into(),
        };
        let view = SaleView {
            remaining: sale.stock(),
            sale: sale.clone(),
        };
        match self.service.create_sale(sale).await {
            Ok(()) => {
                self.catalog.refresh().await;
                let now = self.service.ports().clock.now();
                CreateSaleResponse::Created(Json(SaleSummary::at(view, now)))
            }
            Err(error) => Failure::from(error).into(),
        }
    }

    /// Audit a sale
    ///
    /// The sale's stock and orders as the system of record holds them, next to the stock
    /// gate's remaining units and its reservations in flight: what load tests check their
    /// invariants against. Needs a token with the `admin` claim.
    #[oai(
        path = "/sales/:productId/audit",
        method = "get",
        operation_id = "auditSale"
    )]
    async fn audit_sale(
        &self,
        auth: BearerAuth,
        /// The product to audit.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> AuditSaleResponse {
        let product_id = match admin_product(&auth, product_id.0) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        match self.service.audit_sale(&product_id).await {
            Ok(audit) => AuditSaleResponse::Ok(Json(SaleAudit::of(product_id.as_str(), &audit))),
            Err(error) => Failure::from(error).into(),
        }
    }

    /// Pause a sale
    ///
    /// Every new buy of the sale is refused with `409 sale-paused` until it is resumed, in the
    /// same atomic step of the stock gate as the other rules (a buyer retrying a request that
    /// already holds units still gets it). Reservations already taken go on to become orders.
    /// Idempotent. Needs a token with the `admin` claim.
    #[oai(
        path = "/sales/:productId/pause",
        method = "post",
        operation_id = "pauseSale"
    )]
    async fn pause_sale(
        &self,
        auth: BearerAuth,
        /// The product whose sale to pause.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> PauseSaleResponse {
        self.set_paused(auth, product_id.0, true).await
    }

    /// Resume a sale
    ///
    /// Buying is allowed again (within the sale's window). Idempotent. Needs a token with the
    /// `admin` claim.
    #[oai(
        path = "/sales/:productId/resume",
        method = "post",
        operation_id = "resumeSale"
    )]
    async fn resume_sale(
        &self,
        auth: BearerAuth,
        /// The product whose sale to resume.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> PauseSaleResponse {
        self.set_paused(auth, product_id.0, false).await
    }

    /// Close a sale now
    ///
    /// Ends the sale at once: every new buy is refused as `sale-ended` (a sale that has not
    /// started ends before it starts). Reservations already taken become orders as usual.
    /// Needs a token with the `admin` claim.
    #[oai(
        path = "/sales/:productId/close",
        method = "post",
        operation_id = "closeSale"
    )]
    async fn close_sale(
        &self,
        auth: BearerAuth,
        /// The product whose sale to close.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> SaleChangeResponse {
        let now = self.service.ports().clock.now();
        self.move_end(auth, product_id.0, None, now).await
    }

    /// Move a sale's end
    ///
    /// Sets when buying closes: earlier closes the sale early, later extends it (also a sale
    /// that has ended; the stock gate keeps an extended sale). Idempotent. Needs a token with
    /// the `admin` claim.
    #[oai(
        path = "/sales/:productId/end",
        method = "put",
        operation_id = "moveSaleEnd"
    )]
    async fn move_sale_end(
        &self,
        auth: BearerAuth,
        /// The product whose sale to change.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
        body: Json<SaleEnd>,
    ) -> SaleChangeResponse {
        let now = self.service.ports().clock.now();
        self.move_end(auth, product_id.0, Some(from_wire(body.0.ends_at)), now)
            .await
    }

    /// Add units to a sale
    ///
    /// Puts more units on sale: the sale's stock and its remaining units grow by `units`, in
    /// the database first, then in the stock gate (a buyer told "sold out" gets a unit again).
    /// Exactly once per `restockId`, however often the request is sent: a retry answers the
    /// sale as it stands. Needs a token with the `admin` claim.
    #[oai(
        path = "/sales/:productId/units",
        method = "post",
        operation_id = "addUnits"
    )]
    async fn add_units(
        &self,
        auth: BearerAuth,
        /// The product whose sale gets more units.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
        body: Json<NewUnits>,
    ) -> SaleChangeResponse {
        let product_id = match admin_product(&auth, product_id.0) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        if let Err(errors) = body.0.validate() {
            return Failure::validation(&errors).into();
        }
        let restock = match RestockId::parse(body.0.restock_id) {
            Ok(id) => id,
            Err(error) => return Failure::invalid_field("restockId", error.to_string()).into(),
        };
        match self
            .service
            .add_units(&product_id, body.0.units.0, &restock)
            .await
        {
            Ok(view) => {
                self.catalog.refresh().await;
                let now = self.service.ports().clock.now();
                SaleChangeResponse::Ok(Json(SaleSummary::at(view, now)))
            }
            Err(error) => Failure::from(error).into(),
        }
    }
}

impl<P: Ports> AdminApi<P> {
    /// Moves the sale's end to `ends_at`, or closes it at `now` when `None`.
    async fn move_end(
        &self,
        auth: BearerAuth,
        product_id: ProductIdText,
        ends_at: Option<Timestamp>,
        now: Timestamp,
    ) -> SaleChangeResponse {
        let product_id = match admin_product(&auth, product_id) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        let moved = match ends_at {
            Some(ends_at) => self.service.move_sale_end(&product_id, ends_at).await,
            None => self.service.close_sale(&product_id, now).await,
        };
        match moved {
            Ok(view) => {
                self.catalog.refresh().await;
                SaleChangeResponse::Ok(Json(SaleSummary::at(view, now)))
            }
            Err(error) => Failure::from(error).into(),
        }
    }

    async fn set_paused(
        &self,
        auth: BearerAuth,
        product_id: ProductIdText,
        paused: bool,
    ) -> PauseSaleResponse {
        let product_id = match admin_product(&auth, product_id) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        match self.service.set_sale_paused(&product_id, paused).await {
            Ok(view) => {
                self.catalog.refresh().await;
                let now = self.service.ports().clock.now();
                PauseSaleResponse::Ok(Json(SaleSummary::at(view, now)))
            }
            Err(error) => Failure::from(error).into(),
        }
    }
}
