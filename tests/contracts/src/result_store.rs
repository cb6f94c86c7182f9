//! The result store contract: by request and by buyer; final states are never overwritten by
//! pending ones.

use flashsale_application::ports::ResultStore;
use flashsale_domain::{FailureReason, OrderId, Purchase, PurchaseState};

use crate::fixtures::Fixtures;

pub async fn result_store_contract<R: ResultStore>(results: R, scope: &str) {
    let f = Fixtures::new(scope);
    let p = f.product("results");
    assert_eq!(results.find(&f.request("none")).await.unwrap(), None);
    assert_eq!(results.find_for_buyer(&f.user(1), &p).await.unwrap(), None);

    let pending = Purchase::accepted(&f.reservation(&p, 1, "1"));
    results.save(std::slice::from_ref(&pending)).await.unwrap();
    assert_eq!(
        results.find(&f.request("1")).await.unwrap(),
        Some(pending.clone())
    );

    let mut done = pending.clone();
    done.succeed(OrderId::parse(format!("{}-o1", f.request("o").as_str())).unwrap())
        .unwrap();
    let mut failed = Purchase::accepted(&f.reservation(&p, 2, "2"));
    failed.fail(FailureReason::SoldOut).unwrap();
    results.save(&[done.clone(), failed.clone()]).await.unwrap();
    results.save(std::slice::from_ref(&pending)).await.unwrap();
    assert_eq!(
        results.find(&f.request("1")).await.unwrap(),
        Some(done.clone()),
        "final stays"
    );
    assert_eq!(
        results.find_for_buyer(&f.user(1), &p).await.unwrap(),
        Some(done)
    );
    let stored = results.find(&f.request("2")).await.unwrap().unwrap();
    assert_eq!(
        stored.state(),
        &PurchaseState::Failed {
            reason: FailureReason::SoldOut
        }
    );
}
