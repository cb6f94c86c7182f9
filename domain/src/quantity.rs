//! How many units one purchase takes.

use std::fmt;

/// Fewest units one purchase may ask for.
pub const MIN_QUANTITY: u32 = 1;
/// Most units one purchase may ask for, whatever the sale's limit.
pub const MAX_QUANTITY: u32 = 100;

/// A positive number of units, at most [`MAX_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity(u32);

/// Why a number is not a valid quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Zero units.
    #[error("quantity must be at least {MIN_QUANTITY}")]
    Zero,
    /// More than [`MAX_QUANTITY`] units.
    #[error("quantity must be at most {MAX_QUANTITY}")]
    TooLarge,
}

impl Quantity {
    /// One unit: what a buyer takes unless they ask for more.
    pub const ONE: Quantity = Quantity(MIN_QUANTITY);

    /// Parses a quantity.
    ///
    /// # Errors
    /// [`QuantityError`] when the number is zero or above [`MAX_QUANTITY`].
    pub fn new(units: u32) -> Result<Self, QuantityError> {
        match units {
            n if n < MIN_QUANTITY => Err(QuantityError::Zero),
            n if n > MAX_QUANTITY => Err(QuantityError::TooLarge),
            n => Ok(Self(n)),
        }
    }

    /// The number of units.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Quantity {
    fn default() -> Self {
        Self::ONE
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_units_are_refused() {
        assert_eq!(Quantity::new(0), Err(QuantityError::Zero));
    }

    #[test]
    fn one_to_the_maximum_is_accepted() {
        assert_eq!(Quantity::new(1).map(Quantity::get), Ok(1));
        assert_eq!(
            Quantity::new(MAX_QUANTITY).map(Quantity::get),
            Ok(MAX_QUANTITY)
        );
    }

    #[test]
    fn more_than_the_maximum_is_refused() {
        assert_eq!(
            Quantity::new(MAX_QUANTITY + 1),
            Err(QuantityError::TooLarge)
        );
    }

    #[test]
    fn the_default_is_one_unit() {
        assert_eq!(Quantity::default(), Quantity::ONE);
    }
}
