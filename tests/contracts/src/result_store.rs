//! The result store contract: final records by request and by buyer; pending ones are not kept
//! (the stock gate holds them), and the first final state wins.

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
        None,
        "a pending record is not kept"
    );

    let mut done = pending.clone();
    done.succeed(OrderId::parse(format!("{}-o1", f.request("o").as_str())).unwrap())
        .unwrap();
    let mut failed = Purchase::accepted(&f.reservation(&p, 2, "2"));
    failed.fail(FailureReason::SoldOut).unwrap();
    results.save(&[done.clone(), failed.clone()]).await.unwrap();
    let mut late_failure = pending.clone();
    late_failure.fail(FailureReason::Abandoned).unwrap();
    results
        .save(&[pending.clone(), late_failure])
        .await
        .unwrap();
    assert_eq!(
        results.find(&f.request("1")).await.unwrap(),
        Some(done.clone()),
        "the first final state stays"
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
    assert_eq!(
        results.find_for_buyer(&f.user(2), &p).await.unwrap(),
        Some(stored),
        "a final record is the buyer's latest"
    );
}
