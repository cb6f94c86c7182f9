//! A sale's orders for its operators: newest first, one status or all, paged by position.

use std::sync::Arc;

use flashsale_application::ports::{OrderPosition, SaleOrdersQuery};
use flashsale_application::{FlashSale, Ports};
use flashsale_domain::{OrderId, OrderStatus, Timestamp};
use poem_openapi::param::{Path, Query};
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::admin::admin_product;
use super::ApiTags;
use crate::auth::BearerAuth;
use crate::errors::{failure_into, Failure};
use crate::order_schemas::{OrderState, SaleOrdersView};
use crate::problem::Problem;
use crate::wire::ProductIdText;

/// Orders per page when the caller does not say.
const DEFAULT_PAGE: u32 = 50;
/// Most orders per page.
const MAX_PAGE: u32 = 500;

/// A sale's orders.
pub struct AdminOrdersApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
}

/// Outcome of listing a sale's orders.
#[derive(ApiResponse)]
pub enum SaleOrdersResponse {
    /// A page of the sale's orders, newest first.
    #[oai(status = 200)]
    Ok(Json<SaleOrdersView>),
    /// The product id, `status` or `limit` is malformed.
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
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// `limit` is outside 1 to 500, or `after` is not a `next` this operation gave.
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

failure_into!(SaleOrdersResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
    422 => Unprocessable,
} retry { 503 => Unavailable });

/// The `next`/`after` text of a position: the order's creation in epoch milliseconds, a dot,
/// and its id.
fn position_text(position: &OrderPosition) -> String {
    format!("{}.{}", position.created_at.as_millis(), position.order_id)
}

fn parse_position(text: &str) -> Result<OrderPosition, Failure> {
    let invalid = || Failure::invalid_field("after", "is not a `next` of this listing");
    let (millis, order_id) = text.split_once('.').ok_or_else(invalid)?;
    let millis: i64 = millis.parse().map_err(|_| invalid())?;
    let order_id = OrderId::parse(order_id).map_err(|_| invalid())?;
    Ok(OrderPosition {
        created_at: Timestamp::from_millis(millis),
        order_id,
    })
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl<P: Ports> AdminOrdersApi<P> {
    /// List a sale's orders
    ///
    /// The sale's orders with their buyers, newest first, `limit` (1 to 500, default 50) at a
    /// time, only those in `status` when given. The response's `next`, passed back as `after`,
    /// gives the following page: pages are read by position, so one costs the same however
    /// deep it is, and orders created meanwhile never shift a page. Needs a token with the
    /// `admin` claim.
    #[oai(
        path = "/sales/:productId/orders",
        method = "get",
        operation_id = "listSaleOrders"
    )]
    async fn list_sale_orders(
        &self,
        auth: BearerAuth,
        /// The product whose orders to list.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
        /// Only orders in this status.
        status: Query<Option<OrderState>>,
        /// Most orders to return: 1 to 500.
        limit: Query<Option<u32>>,
        /// The `next` of the previous page.
        after: Query<Option<String>>,
    ) -> SaleOrdersResponse {
        let product = match admin_product(&auth, product_id.0) {
            Ok(product) => product,
            Err(failure) => return failure.into(),
        };
        let limit = limit.0.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Failure::invalid_field("limit", format!("must be from 1 to {MAX_PAGE}")).into();
        }
        let after = match after.0.as_deref().map(parse_position).transpose() {
            Ok(after) => after,
            Err(failure) => return failure.into(),
        };
        let query = SaleOrdersQuery {
            status: status.0.map(OrderStatus::from),
            after,
            limit,
        };
        match self.service.sale_orders(&product, query).await {
            Ok(page) => SaleOrdersResponse::Ok(Json(SaleOrdersView {
                orders: page.orders.into_iter().map(Into::into).collect(),
                next: page.next.as_ref().map(position_text),
            })),
            Err(error) => Failure::from(error).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_reads_back_what_it_wrote() {
        let position = OrderPosition {
            created_at: Timestamp::from_millis(1_700_000_000_123),
            order_id: OrderId::parse("o.1-x").unwrap(),
        };
        let text = position_text(&position);
        assert_eq!(text, "1700000000123.o.1-x");
        assert_eq!(parse_position(&text).ok(), Some(position));
        for bad in ["", "x.o1", "12", "12.", "12.o 1"] {
            assert!(parse_position(bad).is_err(), "{bad}");
        }
    }
}
