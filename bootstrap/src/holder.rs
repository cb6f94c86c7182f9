//! The name this process holds leases under (the reconciler's, the expiry's): unique per
//! process, even for several services started in one process (as the tests do).

/// How many of its intervals a periodic task's lease outlasts the pass that took or renewed
/// it: a missed pass or two keep the lease, a holder that died loses it within this many.
pub const LEASE_INTERVALS: u32 = 3;

/// A fresh holder name: the process id and a UUIDv7.
pub fn lease_holder() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple())
}
