//! The result store contract: final records by request and by buyer; pending ones are not kept
//! (the stock gate holds them), and the first final state wins, but a success replaces the
//! `queue_unavailable` failure of its request.

use flashsale_application::ports::ResultStore;
use flashsale_domain::{FailureReason, OrderId, Purchase, PurchaseState, RequestId, Reservation};

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
    done.succeed(
        OrderId::parse(format!("{}-o1", f.request("o").as_str())).unwrap(),
        None,
    )
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

    a_success_replaces_only_a_queue_failure(&results, &f).await;
    a_record_not_stored_does_not_become_the_latest(&results, &f).await;
}

/// A buyer's older request saved again (a redelivery, a late rejection) after a newer one
/// leaves the newer one as the latest: only a stored record moves the pointer. The request ids
/// are made for the product, as the service makes them.
async fn a_record_not_stored_does_not_become_the_latest<R: ResultStore>(results: &R, f: &Fixtures) {
    let p = f.product("results-latest");
    let request = |unique: &str| RequestId::for_product(&p, &unique.repeat(32)).unwrap();
    let reservation = |request_id: RequestId| Reservation {
        request_id,
        ..f.reservation(&p, 1, "latest")
    };
    let first = Purchase::accepted(&reservation(request("a")));
    let mut queue_failed = first.clone();
    queue_failed.fail(FailureReason::QueueUnavailable).unwrap();
    results
        .save(std::slice::from_ref(&queue_failed))
        .await
        .unwrap();
    let mut bought = Purchase::accepted(&reservation(request("b")));
    bought
        .succeed(
            OrderId::parse(format!("{}-latest", f.request("o").as_str())).unwrap(),
            None,
        )
        .unwrap();
    results.save(std::slice::from_ref(&bought)).await.unwrap();
    let mut rejected = first;
    rejected.fail(FailureReason::Rejected).unwrap();
    results.save(&[rejected]).await.unwrap();
    assert_eq!(
        results.find(&request("a")).await.unwrap(),
        Some(queue_failed),
        "the first final state stays"
    );
    assert_eq!(
        results.find_for_buyer(&f.user(1), &p).await.unwrap(),
        Some(bought),
        "the newer request stays the latest"
    );
}

async fn a_success_replaces_only_a_queue_failure<R: ResultStore>(results: &R, f: &Fixtures) {
    let p = f.product("results-late");
    let order = |n: &str| OrderId::parse(format!("{}-late-{n}", f.request("o").as_str())).unwrap();
    let pending = Purchase::accepted(&f.reservation(&p, 1, "late-1"));
    let mut queue_failed = pending.clone();
    queue_failed.fail(FailureReason::QueueUnavailable).unwrap();
    results
        .save(std::slice::from_ref(&queue_failed))
        .await
        .unwrap();
    let mut done = pending.clone();
    done.succeed(order("1"), None).unwrap();
    results.save(std::slice::from_ref(&done)).await.unwrap();
    assert_eq!(
        results.find(&f.request("late-1")).await.unwrap(),
        Some(done.clone()),
        "the order exists after all"
    );
    assert_eq!(
        results.find_for_buyer(&f.user(1), &p).await.unwrap(),
        Some(done.clone())
    );
    let mut again = pending.clone();
    again.fail(FailureReason::QueueUnavailable).unwrap();
    results.save(&[again]).await.unwrap();
    let mut other_order = pending.clone();
    other_order.succeed(order("2"), None).unwrap();
    results.save(&[other_order]).await.unwrap();
    assert_eq!(
        results.find(&f.request("late-1")).await.unwrap(),
        Some(done),
        "a success is never replaced"
    );

    let sold_out_pending = Purchase::accepted(&f.reservation(&p, 2, "late-2"));
    let mut sold_out = sold_out_pending.clone();
    sold_out.fail(FailureReason::SoldOut).unwrap();
    results.save(std::slice::from_ref(&sold_out)).await.unwrap();
    let mut late = sold_out_pending;
    late.succeed(order("3"), None).unwrap();
    results.save(&[late]).await.unwrap();
    assert_eq!(
        results.find(&f.request("late-2")).await.unwrap(),
        Some(sold_out),
        "only a queue failure is replaced"
    );
}
