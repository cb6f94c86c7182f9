//! The stock gate's rate limits contract, for a gate configured with a burst of `burst` tokens
//! per (client, product) and per (buyer, product), refilled so slowly that none comes back
//! during the test: both buckets are per product, and a limited attempt takes nothing.

use std::net::{IpAddr, Ipv4Addr};

use flashsale_application::ports::StockGate;
use flashsale_domain::Refusal;

use crate::fixtures::{now, Fixtures};

pub async fn gate_limits_contract<G: StockGate>(gate: G, scope: &str, burst: usize) {
    let f = Fixtures::new(scope);
    let phone = f.open_sale("limited-phone", 1_000);
    let case = f.open_sale("limited-case", 1_000);
    for sale in [&phone, &case] {
        gate.load(&Fixtures::fresh(sale)).await.unwrap();
    }
    let (phone, case) = (phone.product_id(), case.product_id());
    let home = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)));
    let elsewhere = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));

    // One buyer, from many addresses: the (buyer, product) bucket.
    for n in 0..burst {
        let client = Some(IpAddr::V4(Ipv4Addr::new(10, 1, 0, n as u8)));
        let outcome = gate
            .reserve(f.ask(phone, 1, &format!("b{n}"), 1), client, now())
            .await
            .unwrap();
        assert!(!matches!(outcome, Err(Refusal::RateLimited { .. })), "{n}");
    }
    let limited = gate
        .reserve(f.ask(phone, 1, "b-over", 1), elsewhere, now())
        .await
        .unwrap();
    assert!(matches!(limited, Err(Refusal::RateLimited { retry_after }) if !retry_after.is_zero()));
    gate.reserve(f.ask(case, 1, "b-case", 1), elsewhere, now())
        .await
        .unwrap()
        .expect("the buyer's bucket is per product");

    // Many buyers, one address: the (client, product) bucket.
    for n in 0..burst {
        gate.reserve(f.ask(phone, 100 + n, &format!("c{n}"), 1), home, now())
            .await
            .unwrap()
            .expect("within the client's burst");
    }
    let remaining = gate.remaining(&[phone.clone()]).await.unwrap();
    let limited = gate
        .reserve(f.ask(phone, 999, "c-over", 1), home, now())
        .await
        .unwrap();
    assert!(matches!(limited, Err(Refusal::RateLimited { .. })));
    assert_eq!(
        gate.remaining(&[phone.clone()]).await.unwrap(),
        remaining,
        "a limited attempt takes nothing"
    );
    assert_eq!(gate.holder(phone, &f.user(999)).await.unwrap(), None);
    gate.reserve(f.ask(case, 999, "c-case", 1), home, now())
        .await
        .unwrap()
        .expect("the client's bucket is per product");
    gate.reserve(f.ask(phone, 998, "c-other", 1), elsewhere, now())
        .await
        .unwrap()
        .expect("another client has its own bucket");
}
