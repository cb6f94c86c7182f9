//! Building statements whose length depends on the batch: IN-lists and multi-row inserts, and
//! how many values one statement takes at most.

/// Most values in one IN-list and most rows in one multi-row insert. Large batches are split
/// into several statements inside the same transaction; 500 rows of 10 columns stay far below
/// MySQL's limit of 65,535 placeholders per statement (and its packet size) and SQLite's of
/// 32,766 bound parameters.
pub const CHUNK: usize = 500;

/// `?, ?, ?` with `count` placeholders.
pub fn placeholders(count: usize) -> String {
    vec!["?"; count].join(", ")
}

/// `(?, ?), (?, ?)`: `rows` row constructors of `columns` placeholders each.
pub fn row_placeholders(rows: usize, columns: usize) -> String {
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
