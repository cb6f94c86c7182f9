//! Shared Redis, MariaDB and Kafka containers for the integration suite.
//!
//! One stack per test binary, started on first use through testcontainers from locally
//! built images (see `scripts/test-env.sh` and `docs/testing.md`):
//!
//! ```no_run
//! # async fn example() -> Result<(), flashsale_test_support::StackError> {
//! let stack = flashsale_test_support::stack().await;
//! let mysql_url = stack.fresh_database().await?; // own database per test
//! let topic = stack.fresh_topic(3).await?; // own topic per test
//! let prefix = flashsale_test_support::key_prefix(); // own Redis key prefix per test
//! # let _ = (mysql_url, topic, prefix);
//! # Ok(())
//! # }
//! ```
//!
//! Clusters of their own, for the tests of scaling out and of node failures:
//! [`Stack::redis_cluster`] (three masters, three replicas) and [`Stack::kafka_cluster`] (three
//! KRaft brokers), from the same images.
//!
//! To inject network faults between the service and a server, reach it through a
//! [`FaultProxy`] ([`Stack::redis_through_proxy`], [`Stack::fresh_database_through_proxy`], [`Stack::kafka_through_proxy`]).
//!
//! Containers carry a per-process session label and are removed by a watchdog process
//! when the test binary ends, however it ends (see [`cleanup`]).

pub mod cleanup;
mod config;
mod error;
mod fault_proxy;
mod kafka;
mod kafka_cluster;
mod mariadb;
mod names;
mod ports;
mod probe;
mod redis;
mod redis_cluster;
mod runtime;
mod service;
mod skip;
mod stack;

pub use config::{
    Images, ENV_KAFKA_IMAGE, ENV_KEEP_CONTAINERS, ENV_MARIADB_IMAGE, ENV_READY_TIMEOUT,
    ENV_REDIS_IMAGE, ENV_SKIP_CONTAINERS,
};
pub use error::StackError;
pub use fault_proxy::{Direction, Fault, FaultHandle, FaultProxy};
pub use kafka_cluster::KafkaCluster;
pub use names::{key_prefix, unique_database_name, unique_topic};
pub use service::{Service, ServiceKind};
pub use skip::{skip_requested, stack_unless_skipped};
pub use stack::{stack, try_stack, Proxied, ProxiedKafka, Stack};

/// Gives the shared stack, or returns early from the calling test (printing that it was
/// skipped) when `FLASHSALE_SKIP_CONTAINERS=1` asks to run without containers.
///
/// Use at the top of an `async` test: `let stack = flashsale_test_support::require_stack!();`
#[macro_export]
macro_rules! require_stack {
    () => {
        match $crate::stack_unless_skipped(concat!(module_path!(), ":", line!())).await {
            ::std::option::Option::Some(stack) => stack,
            ::std::option::Option::None => return,
        }
    };
}
