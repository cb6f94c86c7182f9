//! The whole HTTP endpoint: the API, `/openapi.json`, `/docs`, `/metrics` when given a renderer,
//! the limit on requests in flight, the body limit, request timing, and, outermost, the `edge`:
//! request ids and spans, strict request limits, and problem+json for every error, including
//! those raised before a handler runs (overload, auth, parsing, routing).

use std::sync::Arc;
use std::time::Duration;

use flashsale_application::{FlashSale, Ports};
use poem::http::Method;
use poem::{get, Endpoint, EndpointExt, Route};
use poem_openapi::OpenApiService;

use crate::api::{
    admin::AdminApi, admin_figures::AdminFiguresApi, admin_orders::AdminOrdersApi,
    health::HealthApi, orders::OrdersApi, payments::PaymentsApi, purchases::PurchasesApi,
    sales::SalesApi,
};
use crate::auth::{TokenSecret, TokenVerifier};
use crate::body_limit::limit_body;
use crate::buy_meter::BuyMeter;
use crate::catalog::SalesSnapshot;
use crate::concurrency::{limit_in_flight, InFlightLimit};
use crate::console::{console_file, console_page, CONSOLE_ROUTES};
use crate::edge::edge;
use crate::instrument::measure;
use crate::readiness::Readiness;
use crate::routes::RouteTable;
use crate::scrape::{RenderMetrics, Scrape};
use crate::webhook_signature::WebhookSettings;

/// What the HTTP adapter needs to know.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Signs and checks bearer tokens.
    pub token_secret: TokenSecret,
    /// Checks the payment provider's webhook signatures.
    pub webhook: WebhookSettings,
    /// A proxy header trusted for the client address (e.g. `x-forwarded-for`); `None` trusts no
    /// header and uses the socket peer.
    pub client_ip_header: Option<String>,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Most requests in flight at once; past it a request gets `503` `overloaded` at once.
    /// 0 means no limit. The probes and `/metrics` do not count.
    pub max_in_flight_requests: usize,
    /// How often the snapshot of the sales that the listing and `/readyz` serve is refreshed
    /// (the wiring passes it to [`SalesSnapshot::start`]).
    pub catalog_refresh: Duration,
    /// What `/readyz` asks besides the snapshot of the sales: the wiring's dependency checks,
    /// and whether the process is stopping. [`Readiness::new`] asks nothing more.
    pub readiness: Readiness,
    /// Renders `GET /metrics` (Prometheus text); `None` serves no `/metrics`.
    pub metrics: Option<RenderMetrics>,
}

/// The API's operations as one OpenAPI service.
pub type ApiService<P> = OpenApiService<
    (
        PurchasesApi<P>,
        OrdersApi<P>,
        PaymentsApi<P>,
        SalesApi<P>,
        AdminApi<P>,
        AdminOrdersApi<P>,
        AdminFiguresApi<P>,
        HealthApi<P>,
    ),
    (),
>;

/// The OpenAPI service: operations plus their document. The listing, readiness and sale
/// creation use `catalog`.
pub fn openapi_service<P: Ports>(
    service: Arc<FlashSale<P>>,
    catalog: SalesSnapshot<P>,
    settings: &HttpSettings,
) -> ApiService<P> {
    let meter = BuyMeter::default();
    let apis = (
        PurchasesApi {
            service: service.clone(),
            client_ip_header: settings.client_ip_header.clone(),
            meter: meter.clone(),
        },
        OrdersApi {
            service: service.clone(),
        },
        PaymentsApi {
            service: service.clone(),
            webhook: settings.webhook.clone(),
        },
        SalesApi {
            service: service.clone(),
            catalog: catalog.clone(),
        },
        AdminApi {
            service: service.clone(),
            catalog: catalog.clone(),
        },
        AdminOrdersApi {
            service: service.clone(),
        },
        AdminFiguresApi::new(service, meter, catalog.clone()),
        HealthApi {
            catalog,
            readiness: settings.readiness.clone(),
        },
    );
    OpenApiService::new(apis, "flashsale", env!("CARGO_PKG_VERSION"))
        .description(
            "Flash sales under a stampede: buy a unit (202 + request id), poll the result. \
             Every error body is application/problem+json (RFC 9457) with a stable `type`. \
             Under overload, any operation but the probes may answer `503` with type \
             `urn:flashsale:problem:overloaded` and `Retry-After` before it runs: the server \
             refuses requests past its limit in flight instead of queueing them; nothing was \
             done, retry after `Retry-After` seconds. Every response carries `X-Request-Id`: \
             the request's own when it is 1 to 128 of `A-Z a-z 0-9 . _ : -`, else one the \
             server made; a problem's `instance` is `urn:flashsale:request:<that id>`. Every \
             `401` carries `WWW-Authenticate` (`Bearer`, or `Flashsale-Signature` for the \
             payment webhook), every `405` an `Allow` header. Bodies must be \
             `application/json` (optionally `; charset=utf-8`). The payment provider confirms \
             payments at `POST /api/v1/payments/webhook`, signed with HMAC-SHA256 over the \
             timestamp and the raw body (`Flashsale-Signature: t=<unix seconds>,v1=<hex>`) \
             instead of a bearer token.",
        )
        .license("MIT OR Apache-2.0")
}

/// The whole endpoint, ready to serve; `catalog` is the snapshot the listing and `/readyz`
/// answer from (usually [`SalesSnapshot::start`]ed with `settings.catalog_refresh`).
pub fn app<P: Ports>(
    service: Arc<FlashSale<P>>,
    catalog: SalesSnapshot<P>,
    settings: &HttpSettings,
) -> impl Endpoint {
    let body_limit = settings.body_limit_bytes;
    let in_flight = Arc::new(InFlightLimit::new(settings.max_in_flight_requests));
    let api = openapi_service(service, catalog, settings);
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    let mut extra = vec![("/openapi.json", Method::GET)];
    extra.extend(CONSOLE_ROUTES.map(|route| (route, Method::GET)));
    if settings.metrics.is_some() {
        extra.push(("/metrics", Method::GET));
    }
    let routes = Arc::new(RouteTable::from_spec(&api.spec(), &extra));
    let mut route = Route::new()
        .at("/openapi.json", get(spec))
        .nest("/docs", docs)
        .at("/console", get(console_page))
        .at("/console/:file", get(console_file))
        .nest("/", api);
    if let Some(render) = &settings.metrics {
        route = route.at("/metrics", get(Scrape(render.clone())));
    }
    let edge_routes = Arc::clone(&routes);
    route
        .around(move |endpoint, req| limit_body(endpoint, req, body_limit))
        .data(TokenVerifier::new(&settings.token_secret))
        .around(move |endpoint, req| measure(endpoint, req, Arc::clone(&routes)))
        .around(move |endpoint, req| limit_in_flight(endpoint, req, Arc::clone(&in_flight)))
        .around(move |endpoint, req| edge(endpoint, req, Arc::clone(&edge_routes)))
}
