//! Pure domain of the flash sale.
