//! Flooding from one client address: the flood gets `429` at once, and buyers from other
//! addresses are still served, every one of them, while the flood goes on. The real binary
//! (embedded profile), per-address limit on, client addresses from `x-forwarded-for`. No
//! latency is compared (that flakes on a loaded machine): a starved buyer is one that gets no
//! `202` within [`STARVED_AFTER`], or is only served once the flood stopped.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

mod embedded_binary;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use embedded_binary::start;
use flashsale_http::{mint_token, TokenSecret};

const SECRET: &str = "flooding-test-secret";

/// A buyer not answered within this long is starved (far above any healthy latency, so only
/// starvation reaches it).
const STARVED_AFTER: Duration = Duration::from_secs(10);

fn token(user: &str) -> String {
    mint_token(
        &TokenSecret::new(SECRET),
        user,
        false,
        Duration::from_secs(600),
    )
    .unwrap()
}

/// One purchase of the demo product from `address`; its status and how long it took.
async fn buy(client: &reqwest::Client, base: &str, user: &str, address: &str) -> (u16, Duration) {
    let started = Instant::now();
    let status = client
        .post(format!("{base}/api/v1/sales/demo-phone/purchases"))
        .bearer_auth(token(user))
        .header("x-forwarded-for", address)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16();
    (status, started.elapsed())
}

/// Buys once a tick for `count` honest buyers, each from their own address; their latencies.
async fn honest_buyers(
    client: &reqwest::Client,
    base: &str,
    from: usize,
    count: usize,
) -> Vec<Duration> {
    let mut latencies = Vec::new();
    for n in from..from + count {
        let (status, took) =
            buy(client, base, &format!("honest-{n}"), &format!("10.1.0.{n}")).await;
        assert_eq!(status, 202, "honest buyer {n}");
        latencies.push(took);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    latencies.sort();
    latencies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn flooding_from_one_address_gets_429_while_buyers_from_other_addresses_are_all_served() {
    let service = start(&[
        ("FLASHSALE__AUTH__TOKEN_SECRET", SECRET),
        ("FLASHSALE__HTTP__CLIENT_IP_HEADER", "x-forwarded-for"),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND", "5"),
        ("FLASHSALE__RATE_LIMIT__PER_IP_BURST", "10"),
        ("FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND", "0"),
        ("FLASHSALE__DEMO__SEED", "true"),
        ("FLASHSALE__DEMO__STOCK", "100000"),
    ]);
    let base = format!("http://{}", service.address);
    let client = reqwest::Client::builder()
        .timeout(STARVED_AFTER)
        .build()
        .unwrap();
    let before = honest_buyers(&client, &base, 0, 20).await;

    let flooding = Arc::new(AtomicBool::new(true));
    let (sent, limited) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let flooders: Vec<_> = (0..4)
        .map(|worker| {
            let (client, base) = (client.clone(), base.clone());
            let (flooding, sent, limited) = (flooding.clone(), sent.clone(), limited.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while flooding.load(Ordering::SeqCst) {
                    let user = format!("flooder-{worker}-{n}");
                    let (status, _) = buy(&client, &base, &user, "10.9.9.9").await;
                    sent.fetch_add(1, Ordering::SeqCst);
                    if status == 429 {
                        limited.fetch_add(1, Ordering::SeqCst);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent_before_honest = sent.load(Ordering::SeqCst);
    let during = honest_buyers(&client, &base, 20, 40).await;
    let sent_while_honest = sent.load(Ordering::SeqCst) - sent_before_honest;
    flooding.store(false, Ordering::SeqCst);
    for flooder in flooders {
        flooder.await.unwrap();
    }

    let (sent, limited) = (sent.load(Ordering::SeqCst), limited.load(Ordering::SeqCst));
    // At 5/s with a burst of 10, at most about 10 + 5 × (seconds flooded) get through.
    assert!(sent > 200, "the flood was a flood: {sent} requests");
    assert!(limited * 10 >= sent * 9, "{limited} of {sent} limited");
    // Every honest buy got its 202 (asserted in `honest_buyers`, each within STARVED_AFTER),
    // and while the flood went on, not after it: the flood kept sending throughout.
    assert!(
        sent_while_honest > during.len(),
        "the flood ran while the honest buyers bought: {sent_while_honest} flood requests"
    );
    let median = |l: &[Duration]| l[l.len() / 2];
    eprintln!(
        "honest buyers: median {:?} before, {:?} during a flood of {sent} ({limited} limited), slowest {:?}",
        median(&before),
        median(&during),
        during.last().unwrap()
    );
}
