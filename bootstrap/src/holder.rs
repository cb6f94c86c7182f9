//! The name this process holds leases under (the reconciler's, the expiry's): unique per
//! process, even for several services started in one process (as the tests do).

/// A fresh holder name: the process id and a UUIDv7.
pub fn lease_holder() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple())
}
