//! SIGTERM with 200 purchases in flight (the real binary, embedded profile): every request
//! the server had received gets its HTTP response before the process exits, and only new
//! connections are refused. The purchases are held in flight by their bodies, which are sent
//! after the signal; a 201st request answered `503 overloaded` (the limit in flight is 200)
//! proves the server holds all 200 before the signal is sent. The production profile's twin
//! is in `fault_processes.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

mod embedded_binary;
mod held_purchases;

use std::time::Duration;

use embedded_binary::start;
use flashsale_http::{mint_token, TokenSecret};
use held_purchases::{finish_all_accepted, wait_until_full, wait_until_refused, HeldPurchase};

const SECRET: &str = "graceful-shutdown-test-secret";
const IN_FLIGHT: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_answers_every_purchase_in_flight_and_refuses_only_new_connections() {
    let in_flight = IN_FLIGHT.to_string();
    let mut service = start(&[
        ("FLASHSALE__AUTH__TOKEN_SECRET", SECRET),
        (
            "FLASHSALE__HTTP__MAX_IN_FLIGHT_REQUESTS",
            in_flight.as_str(),
        ),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND", "0"),
        ("FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND", "0"),
        ("FLASHSALE__DEMO__SEED", "true"),
        ("FLASHSALE__DEMO__STOCK", "1000"),
    ]);
    let address = service.address.clone();

    let opening = std::time::Instant::now();
    let mut held = Vec::with_capacity(IN_FLIGHT);
    for n in 0..IN_FLIGHT {
        let token = mint_token(
            &TokenSecret::new(SECRET),
            &format!("buyer-{n}"),
            false,
            Duration::from_secs(600),
        )
        .unwrap();
        let path = "/api/v1/sales/demo-phone/purchases";
        held.push(HeldPurchase::open(&address, path, &token).await);
    }
    eprintln!(
        "opened {IN_FLIGHT} held purchases in {:?}",
        opening.elapsed()
    );
    wait_until_full(&address, &mut held).await;
    eprintln!("the server was full after {:?}", opening.elapsed());

    let exited = tokio::task::spawn_blocking(move || service.terminate());
    wait_until_refused(&address).await;
    finish_all_accepted(held).await;
    let status = exited.await.unwrap();
    assert!(status.success(), "exit status {status}");
}
