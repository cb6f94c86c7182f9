//! A stored value the domain refuses ([`InvalidRow`]), and [`RowKey`], which says which row it
//! is while a row is converted.

use std::fmt::Display;

use crate::IdColumn;

/// A stored value the domain refuses: the row cannot be turned into a domain object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {table} row {key:?}: {problem}")]
pub struct InvalidRow {
    /// The table.
    pub table: &'static str,
    /// The row's key as stored.
    pub key: String,
    /// What the domain refused.
    pub problem: String,
}

/// Which row is being converted, to say so when the domain refuses a value.
pub struct RowKey<'a> {
    /// The table.
    pub table: &'static str,
    /// The row's key, for the error.
    pub key: &'a str,
}

impl RowKey<'_> {
    /// Parses an id column with the domain's `parse` (after checking read bytes are UTF-8).
    ///
    /// # Errors
    /// The column is not UTF-8, or the domain refuses it.
    pub fn id<T, E: Display>(
        &self,
        column: &impl IdColumn,
        parse: impl FnOnce(String) -> Result<T, E>,
    ) -> Result<T, InvalidRow> {
        let text = column.to_text().map_err(self.bad())?;
        parse(text).map_err(self.bad())
    }

    /// Turns a refusal of the domain into an [`InvalidRow`] naming this row.
    pub fn bad<E: Display>(&self) -> impl FnOnce(E) -> InvalidRow + '_ {
        move |problem| InvalidRow {
            table: self.table,
            key: self.key.to_owned(),
            problem: problem.to_string(),
        }
    }
}
