//! The operations, grouped by tag; each operation has its own response enum.

pub mod admin;
pub mod admin_figures;
pub mod admin_orders;
pub mod health;
pub mod orders;
pub mod payments;
pub mod purchases;
pub mod sales;

use poem_openapi::Tags;

/// Groups of operations in the docs.
#[derive(Tags)]
pub enum ApiTags {
    /// Buying and polling purchase results.
    Purchases,
    /// The caller's orders: read, list, cancel.
    Orders,
    /// Payment confirmations from the payment provider, signed with the shared webhook secret.
    Payments,
    /// Sales and their remaining stock.
    Sales,
    /// Operations for operators; the token needs the `admin` claim.
    Admin,
    /// Liveness and readiness probes.
    Health,
}
