//! A sale's live figures for its operators (stock, orders and this process's buys), once or as
//! Server-Sent Events, and the board of every sale as events.

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::ports::{Clock, QueueBacklog};
use flashsale_application::{ErrorChain, FlashSale, Ports};
use flashsale_domain::ProductId;
use futures_util::stream::BoxStream;
use poem::web::sse::Event;
use poem_openapi::param::Path;
use poem_openapi::payload::{EventStream, Json};
use poem_openapi::types::ToJSON;
use poem_openapi::{ApiResponse, OpenApi};

use super::admin::{admin_only, admin_product};
use super::ApiTags;
use crate::auth::BearerAuth;
use crate::buy_meter::BuyMeter;
use crate::catalog::SalesSnapshot;
use crate::errors::{failure_into, Failure};
use crate::figures_schemas::{BoardSale, SaleFigures, SalesBoard};
use crate::live_feed::LiveFeed;
use crate::problem::Problem;
use crate::schemas::{SaleAudit, SaleSummary};
use crate::time::to_wire;
use crate::wire::ProductIdText;

/// How often an idle event stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Where the figures come from: the service and this process's buys.
pub struct FiguresSource<P: Ports> {
    service: Arc<FlashSale<P>>,
    meter: BuyMeter,
    catalog: SalesSnapshot<P>,
}

impl<P: Ports> Clone for FiguresSource<P> {
    fn clone(&self) -> Self {
        Self {
            service: self.service.clone(),
            meter: self.meter.clone(),
            catalog: self.catalog.clone(),
        }
    }
}

impl<P: Ports> FiguresSource<P> {
    /// The figures of `product` now.
    async fn figures(&self, product: &ProductId) -> Result<SaleFigures, Failure> {
        let audit = self.service.audit_sale(product).await?;
        // The queue's figures are extra: when it does not answer, they are left out.
        let backlog = match self.service.queue_backlog().await {
            Ok(backlog) => backlog,
            Err(error) => {
                tracing::warn!(error = %ErrorChain(&error), "the order queue's backlog is unknown");
                QueueBacklog::default()
            }
        };
        Ok(SaleFigures {
            at: to_wire(self.service.ports().clock.now()),
            sale: SaleAudit::of(product.as_str(), &audit),
            buys: self.meter.activity(product).into(),
            queue: backlog.into(),
        })
    }

    /// Every sale now, from the listing's snapshot.
    fn board(&self) -> Result<SalesBoard, Failure> {
        let views = self.catalog.current()?;
        let now = self.service.ports().clock.now();
        let sales = views
            .iter()
            .map(|view| BoardSale {
                buys: self.meter.activity(view.sale.product_id()).into(),
                sale: SaleSummary::at(view.clone(), now),
            })
            .collect();
        Ok(SalesBoard {
            at: to_wire(now),
            sales,
        })
    }
}

/// A sale's live figures and the board.
pub struct AdminFiguresApi<P: Ports> {
    source: FiguresSource<P>,
    sale_feed: LiveFeed<ProductId, SaleFigures>,
    board_feed: LiveFeed<(), SalesBoard>,
}

impl<P: Ports> AdminFiguresApi<P> {
    /// The figures of `service`'s sales, with this process's buys counted by `meter`.
    pub fn new(service: Arc<FlashSale<P>>, meter: BuyMeter, catalog: SalesSnapshot<P>) -> Self {
        let source = FiguresSource {
            service,
            meter,
            catalog,
        };
        let of_sale = source.clone();
        let sale_feed = LiveFeed::new(Arc::new(move |product: ProductId| {
            let source = of_sale.clone();
            Box::pin(async move { source.figures(&product).await.ok() })
        }));
        let of_board = source.clone();
        let board_feed = LiveFeed::new(Arc::new(move |()| {
            let board = of_board.board().ok();
            Box::pin(async move { board })
        }));
        Self {
            source,
            sale_feed,
            board_feed,
        }
    }
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

failure_into!(SaleFiguresResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
} retry { 503 => Unavailable });

/// Outcome of watching a sale's figures.
#[derive(ApiResponse)]
pub enum SaleEventsResponse {
    /// `figures` events: the sale's figures at once, then once a second.
    #[oai(status = 200)]
    Ok(EventStream<BoxStream<'static, SaleFigures>>),
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

failure_into!(SaleEventsResponse {
    400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
} retry { 503 => Unavailable });

/// Outcome of watching the board.
#[derive(ApiResponse)]
pub enum BoardEventsResponse {
    /// `board` events: every sale at once, then once a second.
    #[oai(status = 200)]
    Ok(EventStream<BoxStream<'static, SalesBoard>>),
    /// The bearer token is missing or invalid.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The token has no `admin` claim.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// The request target (path and query) is longer than 8192 bytes: refused before routing.
    #[oai(status = 414, content_type = "application/problem+json")]
    UriTooLong(Json<Problem>),
    /// The request headers are larger than 32 KiB in all: refused before routing.
    #[oai(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(Json<Problem>),
    /// The sales are not loaded yet or their snapshot is stale; retry after `Retry-After`
    /// seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected error.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

failure_into!(BoardEventsResponse {
    401 => Unauthorized, 403 => Forbidden,
} retry { 503 => Unavailable });

/// An event stream of `kind` events, each one JSON value.
fn events<T: ToJSON + Send + 'static>(
    stream: BoxStream<'static, T>,
    kind: &'static str,
) -> EventStream<BoxStream<'static, T>> {
    EventStream::new(stream)
        .keep_alive(KEEP_ALIVE)
        .to_event(move |value| Event::message(value.to_json_string()).event_type(kind))
}

#[OpenApi(prefix_path = "/api/v1/admin", tag = "ApiTags::Admin")]
impl<P: Ports> AdminFiguresApi<P> {
    /// Get a sale's live figures
    ///
    /// What an operator watches during a sale: the stock as the database and the stock gate
    /// hold it (remaining units, reservations in flight, units pending payment and paid, as
    /// the audit shows them), this API process's buys of the sale over the last seconds
    /// (accepted, sold out, refused, rate limited and failed per second, p50 and p99 of the
    /// time to answer; each API process counts its own buys), and the order queue over every
    /// sale (orders waiting for the workers, messages dead-lettered). Needs a token with the
    /// `admin` claim.
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
        match self.source.figures(&product).await {
            Ok(figures) => SaleFiguresResponse::Ok(Json(figures)),
            Err(failure) => failure.into(),
        }
    }

    /// Watch a sale's live figures
    ///
    /// Server-Sent Events (`text/event-stream`) of type `figures`, each the JSON of
    /// `getSaleFigures`: one at once, then one a second while the stream is open (a comment
    /// every 15 s keeps an idle connection open). The figures are computed once a second for
    /// every watcher of the sale together, so more watchers cost the service nothing more.
    /// A second whose figures cannot be read (a dependency down) sends nothing. Needs a token
    /// with the `admin` claim (browsers' `EventSource` sends no header: read the stream with
    /// `fetch`).
    #[oai(
        path = "/sales/:productId/events",
        method = "get",
        operation_id = "watchSaleFigures"
    )]
    async fn watch_sale_figures(
        &self,
        auth: BearerAuth,
        /// The product whose figures to watch.
        #[oai(name = "productId")]
        product_id: Path<ProductIdText>,
    ) -> SaleEventsResponse {
        let product = match admin_product(&auth, product_id.0) {
            Ok(product) => product,
            Err(failure) => return failure.into(),
        };
        match self.source.figures(&product).await {
            Ok(first) => {
                SaleEventsResponse::Ok(events(self.sale_feed.watch(product, first), "figures"))
            }
            Err(failure) => failure.into(),
        }
    }

    /// Watch every sale
    ///
    /// Server-Sent Events of type `board`: every sale as the public listing shows it (its
    /// `remaining` may lag by the listing's refresh interval), each with this API process's
    /// buys of it over the last seconds; one at once, then one a second, computed once for
    /// every watcher together. Needs a token with the `admin` claim.
    #[oai(path = "/events", method = "get", operation_id = "watchSales")]
    async fn watch_sales(&self, auth: BearerAuth) -> BoardEventsResponse {
        if !auth.0.admin {
            return admin_only().into();
        }
        match self.source.board() {
            Ok(first) => BoardEventsResponse::Ok(events(self.board_feed.watch((), first), "board")),
            Err(failure) => failure.into(),
        }
    }
}
