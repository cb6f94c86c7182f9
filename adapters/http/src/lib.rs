//! HTTP adapter: the REST API under `/api/v1`, its OpenAPI document and interactive docs.
//!
//! - [`app`]: builds the whole endpoint (routes, docs, limits, problem+json errors).
//! - `concurrency`: the limit on requests in flight; past it, `503` `overloaded` at once.
//! - [`catalog`]: the in-process snapshot of the sales that the listing and `/readyz` serve.
//! - `edge`: outermost: request ids and spans, strict request limits, problem+json for every
//!   error, `WWW-Authenticate` on `401`, `Allow` on `405`.
//! - `request_id`: the id of one HTTP request (`X-Request-Id`).
//! - [`ProblemsForUnparsable`]: problem details for what hyper cannot parse and answers itself.
//! - `routes`: the routes, their templates and methods, read from the OpenAPI document.
//! - `instrument`: times every request by route template, method and status.
//! - [`readiness`]: what `/readyz` asks besides the snapshot (dependency checks, stopping).
//! - [`scrape`]: `GET /metrics`, rendered by whatever the wiring passes in.
//! - `api`: one module per group of operations, each operation with its own response enum.
//! - [`auth`]: HS256 bearer tokens (`sub` = buyer, `admin` claim for admin operations).
//! - `problem`: RFC 9457 problem details, the body of every 4xx and 5xx.
//! - `errors`: the one place use-case errors become HTTP responses.
//! - `idempotency_key`: the `Idempotency-Key` header of a buy.
//! - `schemas`: request and response bodies, converted into domain types at the edge;
//!   `order_schemas`: the bodies of a buyer's orders.
//! - `webhook_signature`: the payment webhook's HMAC-SHA256 signature and replay window;
//!   `raw_json`: a JSON body kept as its raw bytes, for the signature; `payment_schemas`: the
//!   payment confirmation's body.
//! - `wire`: request field types whose schema and validation carry the domain's limits.

mod api;
pub mod app;
pub mod auth;
mod body_limit;
pub mod buy_meter;
pub mod catalog;
mod client_ip;
mod concurrency;
mod console;
mod edge;
mod errors;
mod figures_schemas;
mod idempotency_key;
mod instrument;
mod live_feed;
mod order_schemas;
mod payment_schemas;
mod problem;
mod raw_json;
pub mod readiness;
mod request_id;
mod routes;
mod schemas;
pub mod scrape;
mod time;
mod unparsable;
mod webhook_signature;
mod wire;

pub use app::{app, openapi_service, HttpSettings};
pub use auth::{mint_token, TokenError, TokenSecret};
pub use catalog::{RefresherEnded, SalesSnapshot, Unready};
pub use readiness::Readiness;
pub use scrape::{metrics_app, RenderMetrics};
pub use unparsable::ProblemsForUnparsable;
pub use webhook_signature::{
    sign_webhook, SignatureError, WebhookSecret, WebhookSecretError, WebhookSettings,
    DEFAULT_TOLERANCE, SIGNATURE_HEADER,
};
