//! Pieces of statements: IN-lists and multi-row inserts whose length depends on the batch,
//! and the database's clock.

/// Most values in one IN-list and most rows in one multi-row insert. Large batches are split
/// into several statements inside the same transaction; 500 rows of 10 columns stay far below
/// SQLite's limit of 32,766 bound parameters per statement.
pub(crate) const CHUNK: usize = 500;

/// The database's clock in milliseconds since the Unix epoch, for the rows' `created_at_ms`
/// (an operator's record, never read by the domain).
pub(crate) const NOW_MS: &str =
    "CAST(ROUND((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER)";

/// `?, ?, ?` with `count` placeholders.
pub(crate) fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

/// `(?, ?), (?, ?)`: `rows` row constructors of `columns` placeholders each.
pub(crate) fn row_placeholders(rows: usize, columns: usize) -> String {
    let row = format!("({})", placeholders(columns));
    vec![row; rows].join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_comma_separated() {
        assert_eq!(placeholders(1), "?");
        assert_eq!(placeholders(3), "?, ?, ?");
    }

    #[test]
    fn row_placeholders_repeat_one_row_per_value() {
        assert_eq!(row_placeholders(2, 2), "(?, ?), (?, ?)");
    }
}
