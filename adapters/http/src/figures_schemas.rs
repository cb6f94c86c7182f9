//! The live figures of a sale: its state in the gate and the database, and this process's buys
//! over the last seconds.

use chrono::{DateTime, Utc};
use flashsale_application::ports::QueueBacklog;
use poem_openapi::Object;

use crate::buy_meter::{BuyActivity, WINDOW_SECS};
use crate::schemas::{SaleAudit, SaleSummary};

/// This API process's buys of the sale over the last `windowSecs` full seconds. Each API
/// process counts its own: with several, add up their figures (or use the Prometheus metrics).
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct BuyRates {
    /// Seconds the rates and percentiles look back on.
    pub window_secs: u64,
    /// Buys answered `202` per second.
    pub accepted_per_sec: f64,
    /// Buys refused `409 sold-out` per second.
    pub sold_out_per_sec: f64,
    /// Other refusals (`4xx` but `429`) per second.
    pub refused_per_sec: f64,
    /// Buys refused `429` per second.
    pub rate_limited_per_sec: f64,
    /// Buys answered `5xx` per second.
    pub failed_per_sec: f64,
    /// Median time to answer a buy, milliseconds; absent without buys.
    #[oai(skip_serializing_if_is_none)]
    pub p50_ms: Option<f64>,
    /// 99th percentile, milliseconds; absent without buys.
    #[oai(skip_serializing_if_is_none)]
    pub p99_ms: Option<f64>,
}

impl From<BuyActivity> for BuyRates {
    fn from(activity: BuyActivity) -> Self {
        Self {
            window_secs: WINDOW_SECS,
            accepted_per_sec: activity.accepted_per_sec,
            sold_out_per_sec: activity.sold_out_per_sec,
            refused_per_sec: activity.refused_per_sec,
            rate_limited_per_sec: activity.rate_limited_per_sec,
            failed_per_sec: activity.failed_per_sec,
            p50_ms: activity.p50_ms,
            p99_ms: activity.p99_ms,
        }
    }
}

/// The order queue over every sale: how far the workers are behind and what they set aside.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct QueueFigures {
    /// Orders queued and not yet stored by a worker (for Kafka: the consumer group's lag);
    /// absent when the queue cannot tell now.
    #[oai(skip_serializing_if_is_none)]
    pub waiting: Option<u64>,
    /// Messages the workers set aside as unprocessable (for Kafka: on the dead-letter topic;
    /// read their `x-dead-letter-reason` header); absent when the queue cannot tell now.
    #[oai(skip_serializing_if_is_none)]
    pub dead_lettered: Option<u64>,
}

impl From<QueueBacklog> for QueueFigures {
    fn from(backlog: QueueBacklog) -> Self {
        Self {
            waiting: backlog.waiting,
            dead_lettered: backlog.dead_lettered,
        }
    }
}

/// A sale's figures at one instant.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct SaleFigures {
    /// When the figures were taken.
    pub at: DateTime<Utc>,
    // Object-typed fields carry no doc comment, so the spec has a plain `$ref` (a description
    // beside it becomes an `allOf` that client generators turn into a copy of the type).
    // `sale`: the sale in the database and the gate, as the audit shows it; `buys`: this
    // process's buys; `queue`: the order queue, over every sale.
    #[allow(missing_docs)]
    pub sale: SaleAudit,
    #[allow(missing_docs)]
    pub buys: BuyRates,
    #[allow(missing_docs)]
    pub queue: QueueFigures,
}

/// One sale on the board: as the public listing shows it, with this process's buys.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct BoardSale {
    // No doc comments on object-typed fields (see `SaleFigures`). `sale`: as the public
    // listing shows it (its `remaining` may lag the gate by the listing's refresh interval);
    // `buys`: this process's buys of it.
    #[allow(missing_docs)]
    pub sale: SaleSummary,
    #[allow(missing_docs)]
    pub buys: BuyRates,
}

/// Every sale at one instant.
#[derive(Debug, Clone, Object)]
#[oai(rename_all = "camelCase")]
pub struct SalesBoard {
    /// When the board was taken.
    pub at: DateTime<Utc>,
    /// The sales, by start time then product id.
    pub sales: Vec<BoardSale>,
}
