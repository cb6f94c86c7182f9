//! The database's clock, as a piece of SQL.

/// The database's clock in milliseconds since the Unix epoch, for the rows' `created_at_ms`
/// (an operator's record, never read by the domain).
pub(crate) const NOW_MS: &str =
    "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";
