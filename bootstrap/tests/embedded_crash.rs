//! The durable embedded profile (a SQLite file) against the real binary: buyers buy while the
//! process is killed with SIGKILL, or stopped with SIGTERM; started again on the same file,
//! every buyer who got a `202` has `succeeded` and an order, the stock is conserved (units
//! remaining and ordered add up to the stock), no buyer holds two orders, and the rest of the
//! sale sells to new buyers, never oversold, while earlier buyers stay refused as having
//! bought already.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

mod embedded_binary;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use embedded_binary::{start, Service};
use flashsale_http::{mint_token, TokenSecret};
use serde_json::Value;
use tokio::sync::Semaphore;

const SECRET: &str = "embedded-crash-test-secret";
const PRODUCT: &str = "demo-phone";
const STOCK: u32 = 300;
/// Buyers before the stop; more than the stock, so the sale is still selling when it comes.
const FIRST_WAVE: usize = 600;
/// New buyers after the restart: enough to sell what is left.
const SECOND_WAVE: usize = 400;
const CONCURRENCY: usize = 32;

/// What one buy was answered.
#[derive(Debug, Clone)]
#[allow(dead_code)] // `Other`'s fields are read by its Debug output in a failure message
enum Answer {
    /// `202`, with the request id to poll.
    Accepted(String),
    /// `503 outcome-unknown`: the buyer may own a unit.
    Unknown,
    /// A `409` (sold out, already purchased), by problem type.
    Refused(String),
    /// Any other status.
    Other(u16, String),
    /// No answer: the process died with the request in flight.
    Lost,
}

fn token(user: &str, admin: bool) -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        user,
        admin,
        Duration::from_secs(600),
    )
    .unwrap()
}

fn buyer(n: usize) -> String {
    format!("buyer-{n}")
}

fn launch(file: &std::path::Path) -> Service {
    start(&[
        ("FLASHSALE__EMBEDDED__STORAGE", "sqlite"),
        ("FLASHSALE__EMBEDDED__PATH", file.to_str().unwrap()),
        ("FLASHSALE__AUTH__TOKEN_SECRET", SECRET),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND", "0"),
        ("FLASHSALE__DEMO__SEED", "true"),
        ("FLASHSALE__DEMO__STOCK", &STOCK.to_string()),
        ("FLASHSALE__DEMO__DURATION_SECS", "3600"),
    ])
}

async fn buy(client: &reqwest::Client, base: &str, user: &str) -> Answer {
    let sent = client
        .post(format!("http://{base}/api/v1/sales/{PRODUCT}/purchases"))
        .bearer_auth(token(user, false))
        .json(&serde_json::json!({}))
        .send()
        .await;
    let Ok(response) = sent else {
        return Answer::Lost;
    };
    let status = response.status().as_u16();
    let Ok(body) = response.json::<Value>().await else {
        return Answer::Lost;
    };
    let kind = body["type"].as_str().unwrap_or_default().to_owned();
    match status {
        202 => Answer::Accepted(body["requestId"].as_str().unwrap().to_owned()),
        503 if kind.ends_with(":outcome-unknown") => Answer::Unknown,
        409 => Answer::Refused(kind),
        _ => Answer::Other(status, body.to_string()),
    }
}

/// Buyers `users` buy at once (at most [`CONCURRENCY`] in flight), counting `202`s in
/// `accepted` as they come.
async fn wave(
    base: String,
    users: std::ops::Range<usize>,
    accepted: Arc<AtomicUsize>,
) -> Vec<(usize, Answer)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for n in users {
        let (client, base, permits) = (client.clone(), base.clone(), permits.clone());
        let (answers, accepted) = (answers.clone(), accepted.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire().await.unwrap();
            let answer = buy(&client, &base, &buyer(n)).await;
            if matches!(answer, Answer::Accepted(_)) {
                accepted.fetch_add(1, SeqCst);
            }
            answers.lock().unwrap().push((n, answer));
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(answers).unwrap().into_inner().unwrap()
}

async fn audit(base: &str) -> Value {
    reqwest::Client::new()
        .get(format!("http://{base}/api/v1/admin/sales/{PRODUCT}/audit"))
        .bearer_auth(token("ops", true))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The buyer's purchase once it is no longer pending (10 s at most).
async fn settled(base: &str, user: &str, request_id: &str) -> Value {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let result: Value = client
            .get(format!("http://{base}/api/v1/purchases/{request_id}"))
            .bearer_auth(token(user, false))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if result["status"] != "pending" || Instant::now() > deadline {
            return result;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count(answers: &[(usize, Answer)], kind: impl Fn(&Answer) -> bool) -> usize {
    answers.iter().filter(|(_, answer)| kind(answer)).count()
}

/// Buys until `stop_at` `202`s, stops the service with `stop`, starts it again on the same file
/// and checks everything the restart must keep; then sells the rest to new buyers.
async fn stop_mid_sale_and_restart(stop: fn(&mut Service), stop_at: usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("flashsale.db");
    let mut service = launch(&file);
    let base = service.address.clone();

    let accepted = Arc::new(AtomicUsize::new(0));
    let first = tokio::spawn(wave(base.clone(), 0..FIRST_WAVE, accepted.clone()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while accepted.load(SeqCst) < stop_at {
        assert!(Instant::now() < deadline, "not {stop_at} accepted in 60 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::task::block_in_place(|| stop(&mut service));
    let first = first.await.unwrap();
    let first_accepted = count(&first, |a| matches!(a, Answer::Accepted(_)));
    let maybe = count(&first, |a| matches!(a, Answer::Unknown | Answer::Lost));
    let others: Vec<_> = first
        .iter()
        .filter(|(_, a)| matches!(a, Answer::Other(..)))
        .collect();
    assert!(others.is_empty(), "unexpected answers: {others:?}");
    eprintln!(
        "before the stop: {first_accepted} accepted, {maybe} unknown or unanswered, {} refused",
        count(&first, |a| matches!(a, Answer::Refused(_)))
    );

    let service = launch(&file);
    let base = service.address.clone();
    let kept = audit(&base).await;
    eprintln!("after the restart: {kept}");
    let orders = kept["orders"].as_u64().unwrap() as usize;
    assert_eq!(kept["stock"], STOCK, "{kept}");
    assert_eq!(
        kept["remaining"].as_u64().unwrap() + kept["unitsOrdered"].as_u64().unwrap(),
        u64::from(STOCK),
        "stock conserved: {kept}"
    );
    assert!(kept["maxOrdersPerBuyer"].as_u64().unwrap() <= 1, "{kept}");
    assert_eq!(
        kept["gateRemaining"], kept["remaining"],
        "the gate starts from the file: {kept}"
    );
    assert!(
        orders >= first_accepted && orders <= first_accepted + maybe,
        "every 202 has its order, and only buyers who may own one have one: {orders} orders, \
         {first_accepted} accepted, {maybe} unknown or unanswered"
    );
    for (n, answer) in &first {
        if let Answer::Accepted(request_id) = answer {
            let result = settled(&base, &buyer(*n), request_id).await;
            assert_eq!(result["status"], "succeeded", "buyer {n}: {result}");
            assert!(result["orderId"].is_string(), "buyer {n}: {result}");
        }
    }

    // Earlier buyers who own an order stay refused; new buyers get the rest, and no more.
    let retried = wave(base.clone(), 0..FIRST_WAVE, Arc::new(AtomicUsize::new(0))).await;
    let rebought = count(&retried, |a| matches!(a, Answer::Accepted(_)));
    let second = wave(
        base.clone(),
        FIRST_WAVE..FIRST_WAVE + SECOND_WAVE,
        Arc::new(AtomicUsize::new(0)),
    )
    .await;
    let sold = count(&second, |a| matches!(a, Answer::Accepted(_))) + rebought;
    assert!(
        count(
            &retried,
            |a| matches!(a, Answer::Refused(k) if k.ends_with(":already-purchased"))
        ) >= orders,
        "every owner is refused as having bought"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let last = loop {
        let last = audit(&base).await;
        if last["inFlight"] == 0 || Instant::now() > deadline {
            break last;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(last["orders"], STOCK, "sold out, never oversold: {last}");
    assert_eq!(last["remaining"], 0, "{last}");
    assert_eq!(last["maxOrdersPerBuyer"], 1, "{last}");
    assert_eq!(last["distinctBuyers"], STOCK, "{last}");
    assert_eq!(orders + sold, STOCK as usize, "the rest sold once: {last}");
    drop(service);
}

fn sigkill(service: &mut Service) {
    service.kill();
}

fn sigterm(service: &mut Service) {
    let status = service.terminate();
    assert!(status.success(), "exit status {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_with_sigkill_mid_sale_it_restarts_with_every_accepted_order() {
    stop_mid_sale_and_restart(sigkill, 100).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stopped_with_sigterm_mid_sale_it_restarts_with_every_accepted_order() {
    stop_mid_sale_and_restart(sigterm, 100).await;
}
