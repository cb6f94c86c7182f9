//! A runtime that lives as long as the test process and owns every Docker call.
//!
//! Each `#[tokio::test]` has its own runtime, which ends with the test. The Docker client
//! inside testcontainers keeps connections bound to the runtime that opened them, so the
//! shared containers are started and operated only on this runtime; tests await the
//! results from theirs.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

use crate::StackError;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

fn runtime() -> Result<&'static Runtime, StackError> {
    RUNTIME
        .get_or_init(|| {
            Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("flashsale-test-support")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| StackError::Runtime(e.clone()))
}

/// Runs `future` on the support runtime and waits for it from any runtime.
pub(crate) async fn on_support_runtime<F, T>(future: F) -> Result<T, StackError>
where
    F: Future<Output = Result<T, StackError>> + Send + 'static,
    T: Send + 'static,
{
    runtime()?
        .spawn(future)
        .await
        .map_err(|e| StackError::Runtime(e.to_string()))?
}
