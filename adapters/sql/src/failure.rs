//! A failure inside one port call of a SQL adapter ([`StoreFailure`]), what the adapter's
//! database says about it ([`Dialect`]), and the port errors it becomes.

use std::fmt::Debug;
use std::marker::PhantomData;

use flashsale_application::ports::{
    CatalogError, OrderEventsError, OrderStoreError, PortFailure, ResultStoreError,
};
use sqlx::error::DatabaseError;

use crate::InvalidRow;

/// What a SQL adapter's failures depend on: its name and its database's errors.
pub trait Dialect: Debug + Send + Sync + 'static {
    /// The adapter, prefixing the context of its port failures (`mysql`, `sqlite`).
    const NAME: &'static str;

    /// Where a conditional stock update that matched no row found the stock changed, though
    /// the transaction had read it first ("under its row lock").
    const STOCK_MOVED: &'static str;

    /// Whether an error the database returned may pass on a retry (a deadlock, a busy file),
    /// rather than never (a constraint, a bad value).
    fn is_transient(error: &(dyn DatabaseError + 'static)) -> bool;
}

/// A failure inside one port call; it becomes the port's `Unavailable` or `Refused`, whose
/// [`PortFailure`] keeps it (and the driver's error under it) as its source.
#[derive(Debug, thiserror::Error)]
pub enum StoreFailure<D: Dialect> {
    /// The database refused or did not answer.
    #[error("{during}")]
    Database {
        /// What the adapter was doing.
        during: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A stored row holds a value the domain refuses.
    #[error("{0}")]
    InvalidRow(#[from] InvalidRow),
    /// A conditional stock update matched no row although the transaction read the sale
    /// before it ([`Dialect::STOCK_MOVED`]).
    #[error("the stock of {product} changed {}", D::STOCK_MOVED)]
    StockMoved {
        /// The product whose update matched no row.
        product: String,
        /// The dialect that says where.
        dialect: PhantomData<D>,
    },
}

impl<D: Dialect> StoreFailure<D> {
    /// The stock of `product` changed under the transaction ([`StoreFailure::StockMoved`]).
    pub fn stock_moved(product: String) -> Self {
        Self::StockMoved {
            product,
            dialect: PhantomData,
        }
    }

    /// Whether retrying may help: a connection or pool problem, a transient database error
    /// ([`Dialect::is_transient`]), or stock that moved; not a permanent database error nor a
    /// row the domain refuses.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Database { source, .. } => match source {
                sqlx::Error::Database(error) => D::is_transient(error.as_ref()),
                _ => true,
            },
            Self::InvalidRow(_) => false,
            Self::StockMoved { .. } => true,
        }
    }
}

impl<D: Dialect> From<StoreFailure<D>> for PortFailure {
    /// The failure's own text, prefixed with the adapter's name, as the context (so the port
    /// error alone says what failed); the failure itself, with the driver's error under it, as
    /// the source.
    fn from(failure: StoreFailure<D>) -> Self {
        PortFailure::caused_by(format!("{}: {failure}", D::NAME), failure)
    }
}

impl<D: Dialect> From<StoreFailure<D>> for OrderStoreError {
    fn from(failure: StoreFailure<D>) -> Self {
        if failure.is_transient() {
            OrderStoreError::Unavailable(failure.into())
        } else {
            OrderStoreError::Refused(failure.into())
        }
    }
}

impl<D: Dialect> From<StoreFailure<D>> for CatalogError {
    fn from(failure: StoreFailure<D>) -> Self {
        CatalogError::Unavailable(failure.into())
    }
}

impl<D: Dialect> From<StoreFailure<D>> for OrderEventsError {
    fn from(failure: StoreFailure<D>) -> Self {
        OrderEventsError::Unavailable(failure.into())
    }
}

impl<D: Dialect> From<StoreFailure<D>> for ResultStoreError {
    fn from(failure: StoreFailure<D>) -> Self {
        ResultStoreError::Unavailable(failure.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dialect whose every database error is permanent.
    #[derive(Debug)]
    struct Strict;

    impl Dialect for Strict {
        const NAME: &'static str = "strict";
        const STOCK_MOVED: &'static str = "under its lock";

        fn is_transient(_: &(dyn DatabaseError + 'static)) -> bool {
            false
        }
    }

    #[test]
    fn a_lost_connection_is_transient_and_an_invalid_row_is_not() {
        let lost = StoreFailure::<Strict>::Database {
            during: "persisting",
            source: sqlx::Error::PoolTimedOut,
        };
        assert!(matches!(
            OrderStoreError::from(lost),
            OrderStoreError::Unavailable(_)
        ));
        let invalid = StoreFailure::<Strict>::InvalidRow(InvalidRow {
            table: "orders",
            key: "k".into(),
            problem: "bad".into(),
        });
        assert!(matches!(
            OrderStoreError::from(invalid),
            OrderStoreError::Refused(_)
        ));
    }

    #[test]
    fn moved_stock_is_transient_and_says_where_it_moved() {
        let moved = StoreFailure::<Strict>::stock_moved("p1".to_owned());
        assert_eq!(moved.to_string(), "the stock of p1 changed under its lock");
        assert!(moved.is_transient());
        let failure = PortFailure::from(moved);
        assert_eq!(
            failure.to_string(),
            "strict: the stock of p1 changed under its lock"
        );
    }
}
