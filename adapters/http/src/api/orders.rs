//! A buyer's own orders: list them, read one, cancel an unpaid one.

use std::sync::Arc;

use flashsale_application::ports::OrderPage;
use flashsale_application::{FlashSale, Ports};
use flashsale_domain::OrderId;
use poem_openapi::param::{Path, Query};
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::ApiTags;
use crate::auth::BearerAuth;
use crate::errors::{failure_into, Failure};
use crate::order_schemas::{OrderPageView, OrderView};
use crate::problem::{Problem, ProblemType};
use crate::wire::OrderIdText;

/// Orders per page when the caller does not say.
const DEFAULT_PAGE: u32 = 20;
/// Most orders per page.
const MAX_PAGE: u32 = 100;

/// A buyer's orders.
pub struct OrdersApi<P: Ports> {
    /// The service.
    pub service: Arc<FlashSale<P>>,
}

/// Outcome of listing orders.
#[derive(ApiResponse)]
pub enum ListOrdersResponse {
    /// A page of the caller's orders, newest first.
    #[oai(status = 200)]
    Ok(Json<OrderPageView>),
    /// `offset` or `limit` is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// `limit` is outside 1 to 100.
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

failure_into!(ListOrdersResponse {
    400 => BadRequest, 401 => Unauthorized, 422 => Unprocessable,
} retry { 503 => Unavailable });

/// Outcome of reading one order.
#[derive(ApiResponse)]
pub enum GetOrderResponse {
    /// The order and where it stands.
    #[oai(status = 200)]
    Ok(Json<OrderView>),
    /// The order id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// No such order of yours (another buyer's orders are reported the same way).
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

failure_into!(GetOrderResponse {
    400 => BadRequest, 401 => Unauthorized, 404 => NotFound,
} retry { 503 => Unavailable });

/// Outcome of cancelling an order.
#[derive(ApiResponse)]
pub enum CancelOrderResponse {
    /// The order is cancelled (now or before: cancelling again answers the same) and its units
    /// are back on sale.
    #[oai(status = 200)]
    Ok(Json<OrderView>),
    /// The order id is malformed.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// No such order of yours (another buyer's orders are reported the same way).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// `order-not-cancellable`: the order is paid or expired; nothing changed.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// A dependency is down; retry after `Retry-After` seconds (cancelling again is safe: the
    /// units come back once).
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(CancelOrderResponse {
    400 => BadRequest, 401 => Unauthorized, 404 => NotFound, 409 => Conflict,
} retry { 503 => Unavailable });

fn order_id(raw: OrderIdText) -> Result<OrderId, Failure> {
    OrderId::parse(raw.0).map_err(|error| {
        Failure::new(
            ProblemType::BadRequest,
            format!("Invalid order id: {error}."),
        )
    })
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Orders")]
impl<P: Ports> OrdersApi<P> {
    /// List my orders
    ///
    /// The caller's orders, newest first, `limit` (1 to 100, default 20) at a time from
    /// `offset` (default 0); `nextOffset` names the next page.
    #[oai(path = "/orders", method = "get", operation_id = "listMyOrders")]
    async fn list_orders(
        &self,
        auth: BearerAuth,
        /// Orders to skip.
        offset: Query<Option<u32>>,
        /// Most orders to return: 1 to 100.
        limit: Query<Option<u32>>,
    ) -> ListOrdersResponse {
        let limit = limit.0.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Failure::invalid_field("limit", format!("must be from 1 to {MAX_PAGE}")).into();
        }
        let offset = offset.0.unwrap_or(0);
        // One more than asked says whether another page follows.
        let page = OrderPage {
            offset,
            limit: limit + 1,
        };
        match self.service.buyer_orders(&auth.0.user_id, page).await {
            Ok(mut orders) => {
                let more = orders.len() > limit as usize;
                orders.truncate(limit as usize);
                ListOrdersResponse::Ok(Json(OrderPageView {
                    orders: orders.into_iter().map(OrderView::from).collect(),
                    offset,
                    limit,
                    next_offset: more.then(|| offset.saturating_add(limit)),
                }))
            }
            Err(error) => Failure::from(error).into(),
        }
    }

    /// Get my order
    ///
    /// One of the caller's orders: its status and its payment deadline.
    #[oai(path = "/orders/:orderId", method = "get", operation_id = "getMyOrder")]
    async fn get_order(
        &self,
        auth: BearerAuth,
        /// The order's id (`orderId` of a succeeded purchase).
        #[oai(name = "orderId")]
        order_id: Path<OrderIdText>,
    ) -> GetOrderResponse {
        let order_id = match self::order_id(order_id.0) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        match self.service.buyer_order(&auth.0.user_id, &order_id).await {
            Ok(Some(order)) => GetOrderResponse::Ok(Json(order.into())),
            Ok(None) => Failure::no_such_order().into(),
            Err(error) => Failure::from(error).into(),
        }
    }

    /// Cancel my unpaid order
    ///
    /// Cancels the caller's order while it waits for payment; its units go back on sale
    /// (exactly once, however often this is called). The buyer may buy the product again only
    /// if the sale allows it (`rebuyAfterCancel`). A paid or expired order answers `409`
    /// `order-not-cancellable`.
    #[oai(
        path = "/orders/:orderId/cancel",
        method = "post",
        operation_id = "cancelMyOrder"
    )]
    async fn cancel_order(
        &self,
        auth: BearerAuth,
        /// The order's id.
        #[oai(name = "orderId")]
        order_id: Path<OrderIdText>,
    ) -> CancelOrderResponse {
        let order_id = match self::order_id(order_id.0) {
            Ok(id) => id,
            Err(failure) => return failure.into(),
        };
        match self.service.cancel_order(&auth.0.user_id, &order_id).await {
            Ok(order) => CancelOrderResponse::Ok(Json(order.into())),
            Err(error) => Failure::from(error).into(),
        }
    }
}
