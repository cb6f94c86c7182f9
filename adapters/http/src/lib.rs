//! HTTP adapter: the REST API under `/api/v1`, its OpenAPI document and interactive docs.
//!
//! - [`app`]: builds the whole endpoint (routes, docs, limits, problem+json errors).
//! - `concurrency`: the limit on requests in flight; past it, `503` `overloaded` at once.
//! - [`catalog`]: the in-process snapshot of the sales that the listing and `/readyz` serve.
//! - `instrument`: times every request by route template, method and status.
//! - [`readiness`]: what `/readyz` asks besides the snapshot (dependency checks, stopping).
//! - [`scrape`]: `GET /metrics`, rendered by whatever the wiring passes in.
//! - `api`: one module per group of operations, each operation with its own response enum.
//! - [`auth`]: HS256 bearer tokens (`sub` = buyer, `admin` claim for admin operations).
//! - `problem`: RFC 9457 problem details, the body of every 4xx and 5xx.
//! - `errors`: the one place use-case errors become HTTP responses.
//! - `schemas`: request and response bodies, converted into domain types at the edge.

mod api;
pub mod app;
pub mod auth;
mod body_limit;
pub mod catalog;
mod client_ip;
mod concurrency;
mod errors;
mod instrument;
mod problem;
pub mod readiness;
mod schemas;
pub mod scrape;
mod time;

pub use app::{app, openapi_service, HttpSettings};
pub use auth::{mint_token, TokenError, TokenSecret};
pub use catalog::{RefresherEnded, SalesSnapshot, Unready};
pub use readiness::Readiness;
pub use scrape::{metrics_app, RenderMetrics};
