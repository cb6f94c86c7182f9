//! Unique names that isolate tests sharing one stack.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

fn next() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A database name no other test of this binary gets (the server is per binary).
pub fn unique_database_name() -> String {
    format!("test_{}", next())
}

/// A Kafka topic name no other test of this binary gets.
pub fn unique_topic() -> String {
    format!("test-topic-{}", next())
}

/// A Redis key prefix (ending in `:`) no other test of this binary gets.
pub fn key_prefix() -> String {
    format!("test{}:", next())
}

#[cfg(test)]
mod tests {
    use super::{key_prefix, unique_database_name, unique_topic};
    use std::collections::HashSet;

    #[test]
    fn names_never_repeat_within_a_process() {
        let mut seen = HashSet::new();
        for _ in 0..100 {
            assert!(seen.insert(unique_topic()));
            assert!(seen.insert(unique_database_name()));
            assert!(seen.insert(key_prefix()));
        }
    }

    #[test]
    fn key_prefixes_end_with_a_separator() {
        assert!(key_prefix().ends_with(':'));
    }
}
