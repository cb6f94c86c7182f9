//! What `/readyz` asks besides the snapshot of the sales: checks the wiring registers (e.g. the
//! Kafka producer has its idempotence id, the consumer its assignment), and a verdict the
//! runner gives when a long-running task ended and the process is about to exit.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// A named condition: `Ok` when the dependency can serve, `Err(why)` otherwise. Must be cheap
/// (no I/O): it runs on every probe.
type Check = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

#[derive(Default)]
struct Inner {
    checks: Vec<(&'static str, Check)>,
    /// Set once, for good: the process is stopping because a task ended.
    down: Option<String>,
}

/// The readiness conditions of one process; clones share them. Empty, it is always ready.
#[derive(Clone, Default)]
pub struct Readiness {
    inner: Arc<Mutex<Inner>>,
}

impl fmt::Debug for Readiness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let names: Vec<_> = inner.checks.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Readiness")
            .field("checks", &names)
            .field("down", &inner.down)
            .finish()
    }
}

impl Readiness {
    /// Always ready, until a check is added or [`down`](Self::down) is called.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a condition named `name` (the name appears in the probe's `detail`).
    pub fn add(
        &self,
        name: &'static str,
        check: impl Fn() -> Result<(), String> + Send + Sync + 'static,
    ) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.checks.push((name, Arc::new(check)));
    }

    /// Marks the process unready for good, saying why (the first reason is kept).
    pub fn down(&self, why: impl Into<String>) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.down.get_or_insert_with(|| why.into());
    }

    /// `Ok` when the process is not going down and every check passes; otherwise the first
    /// reason why not.
    ///
    /// # Errors
    /// A sentence naming what is not ready.
    pub fn check(&self) -> Result<(), String> {
        let (down, checks) = {
            let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            (inner.down.clone(), inner.checks.clone())
        };
        if let Some(why) = down {
            return Err(format!("the process is stopping: {why}"));
        }
        for (name, check) in checks {
            check().map_err(|why| format!("the {name} is not ready: {why}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_check_it_is_ready() {
        assert_eq!(Readiness::new().check(), Ok(()));
    }

    #[test]
    fn a_failing_check_is_named() {
        let readiness = Readiness::new();
        readiness.add("fine thing", || Ok(()));
        readiness.add("Kafka producer", || Err("no producer id yet".into()));
        let why = readiness.check().expect_err("unready");
        assert!(
            why.contains("Kafka producer") && why.contains("no producer id"),
            "{why}"
        );
    }

    #[test]
    fn down_is_for_good_and_keeps_the_first_reason() {
        let readiness = Readiness::new();
        let clone = readiness.clone();
        clone.down("the worker ended");
        clone.down("later");
        let why = readiness.check().expect_err("unready");
        assert!(
            why.contains("the worker ended") && !why.contains("later"),
            "{why}"
        );
    }
}
