//! The explicit opt-out: `FLASHSALE_SKIP_CONTAINERS=1` runs no container.

use std::io::Write;

use crate::config::flag;
use crate::{stack, Stack, ENV_SKIP_CONTAINERS};

/// True when the run asked to skip every container-backed test.
pub fn skip_requested() -> bool {
    flag(ENV_SKIP_CONTAINERS)
}

/// The shared stack, or `None` after printing that the running test (named by its thread,
/// else by `test`) was skipped by request.
///
/// The notice goes to the real stderr, so it shows even for tests that pass.
///
/// # Panics
/// Like [`stack`] when containers were not skipped but cannot be started.
pub async fn stack_unless_skipped(test: &str) -> Option<&'static Stack> {
    if skip_requested() {
        // libtest names each test's thread after the test; `test` is the fallback.
        let current = std::thread::current();
        let name = current.name().filter(|n| *n != "main").unwrap_or(test);
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED by request ({ENV_SKIP_CONTAINERS}=1): {name} needs containers"
        );
        return None;
    }
    Some(stack().await)
}
