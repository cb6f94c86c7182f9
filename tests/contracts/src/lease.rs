//! The lease contract: one holder at a time, renewed by its holder, taken by another once
//! lapsed, all by the caller's clock; leases of other names are independent.

use std::time::Duration;

use flashsale_application::ports::Lease;

use crate::fixtures::now;

pub async fn lease_contract<L: Lease>(lease: L, scope: &str) {
    let name = format!("{scope}-reconciler");
    let other_name = format!("{scope}-other");
    let ttl = Duration::from_secs(10);
    let t0 = now();
    let second = Duration::from_secs(1);

    assert_eq!(
        lease.hold(&name, "a", t0, ttl).await,
        Ok(true),
        "free: taken"
    );
    assert_eq!(
        lease.hold(&name, "b", t0.plus(second), ttl).await,
        Ok(false),
        "held by a"
    );
    assert_eq!(
        lease.hold(&other_name, "b", t0.plus(second), ttl).await,
        Ok(true),
        "another name is another lease"
    );
    // a renews at 9 s: held until 19 s, so b still waits at 15 s.
    assert_eq!(
        lease.hold(&name, "a", t0.plus(9 * second), ttl).await,
        Ok(true),
        "renewed"
    );
    assert_eq!(
        lease.hold(&name, "b", t0.plus(15 * second), ttl).await,
        Ok(false),
        "still a's"
    );
    // Lapsed at 19 s: b takes it, and a is refused from then on.
    assert_eq!(
        lease.hold(&name, "b", t0.plus(19 * second), ttl).await,
        Ok(true),
        "lapsed: taken"
    );
    assert_eq!(
        lease.hold(&name, "a", t0.plus(20 * second), ttl).await,
        Ok(false),
        "now b's"
    );
}
