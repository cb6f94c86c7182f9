//! A steady stream of buyers, one request per buyer, running in the background while a fault
//! test breaks something; every answer is recorded for the invariant check.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{address_of, token, App};

/// What one buyer's single request came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `202`: the request id to poll.
    Accepted { request_id: String },
    /// `503 outcome-unknown`: the service could not tell whether a unit was taken; the request
    /// id to poll.
    Undecided { request_id: String },
    /// Any other HTTP answer: its status and problem `type`; status 0 when the connection was
    /// refused (nothing listening), which the server never saw.
    Refused { status: u16, kind: String },
    /// No HTTP answer (timeout, connection dropped): the outcome is unknown to the buyer.
    Unknown { error: String },
}

/// One buyer and the outcome of their request.
#[derive(Debug, Clone)]
pub struct Buy {
    pub user: String,
    pub outcome: Outcome,
}

/// Running counts, readable while the stampede goes on.
#[derive(Debug, Default)]
pub struct Counts {
    pub accepted: AtomicUsize,
    pub sold_out: AtomicUsize,
    pub unavailable: AtomicUsize,
    pub undecided: AtomicUsize,
    pub unknown: AtomicUsize,
    pub other: AtomicUsize,
}

/// Buyers `buyer-0`, `buyer-1`, … of one product, `workers` at a time, each worker pausing
/// `pace` between requests, until [`Stampede::finish`].
pub struct Stampede {
    stop: Arc<AtomicBool>,
    counts: Arc<Counts>,
    buys: Arc<Mutex<Vec<Buy>>>,
    workers: Vec<JoinHandle<()>>,
}

/// How long one buy may take before its outcome counts as unknown.
const BUY_TIMEOUT: Duration = Duration::from_secs(20);

impl Stampede {
    pub fn start(app: Arc<App>, product: &str, workers: usize, pace: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(Counts::default());
        let buys = Arc::new(Mutex::new(Vec::new()));
        let next = Arc::new(AtomicUsize::new(0));
        let workers = (0..workers)
            .map(|_| {
                let (app, stop, counts, buys, next) = (
                    app.clone(),
                    stop.clone(),
                    counts.clone(),
                    buys.clone(),
                    next.clone(),
                );
                let product = product.to_owned();
                tokio::spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let n = next.fetch_add(1, Ordering::SeqCst);
                        let user = format!("buyer-{n}");
                        let outcome = buy(&app, &product, &user, &address_of(n)).await;
                        let counter = match &outcome {
                            Outcome::Accepted { .. } => &counts.accepted,
                            Outcome::Undecided { .. } => &counts.undecided,
                            Outcome::Refused { kind, .. } if kind.ends_with(":sold-out") => {
                                &counts.sold_out
                            }
                            Outcome::Refused { status: 503, .. } => &counts.unavailable,
                            Outcome::Unknown { .. } => &counts.unknown,
                            _ => &counts.other,
                        };
                        counter.fetch_add(1, Ordering::SeqCst);
                        buys.lock().unwrap().push(Buy { user, outcome });
                        tokio::time::sleep(pace).await;
                    }
                })
            })
            .collect();
        Self {
            stop,
            counts,
            buys,
            workers,
        }
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Waits until `done(counts)` holds; panics after `timeout`.
    pub async fn wait_until(&self, what: &str, timeout: Duration, done: impl Fn(&Counts) -> bool) {
        let deadline = Instant::now() + timeout;
        while !done(&self.counts) {
            assert!(
                Instant::now() < deadline,
                "stampede: {what} did not happen within {timeout:?}: {:?}",
                self.counts
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the buyers, waits for the requests in flight, and returns every outcome.
    pub async fn finish(self) -> Vec<Buy> {
        self.stop.store(true, Ordering::SeqCst);
        for worker in self.workers {
            worker.await.unwrap();
        }
        let buys = std::mem::take(&mut *self.buys.lock().unwrap());
        buys
    }
}

/// One purchase request, its answer classified.
pub async fn buy(app: &App, product: &str, user: &str, address: &str) -> Outcome {
    let sent = app
        .client
        .post(format!("{}/api/v1/sales/{product}/purchases", app.base))
        .bearer_auth(token(user))
        .header("x-forwarded-for", address)
        .timeout(BUY_TIMEOUT)
        .json(&json!({}))
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        // Nothing listens (the service is restarting): the request never reached it.
        Err(error) if error.is_connect() => {
            return Outcome::Refused {
                status: 0,
                kind: "connection-refused".to_owned(),
            }
        }
        Err(error) => {
            return Outcome::Unknown {
                error: error.to_string(),
            }
        }
    };
    let status = response.status().as_u16();
    let body: Value = match response.json().await {
        Ok(body) => body,
        Err(error) => {
            return Outcome::Unknown {
                error: format!("status {status}, unreadable body: {error}"),
            }
        }
    };
    let kind = body["type"].as_str().unwrap_or_default();
    if status == 202 {
        Outcome::Accepted {
            request_id: body["requestId"].as_str().unwrap().to_owned(),
        }
    } else if status == 503 && kind.ends_with(":outcome-unknown") {
        Outcome::Undecided {
            request_id: body["requestId"].as_str().unwrap().to_owned(),
        }
    } else {
        Outcome::Refused {
            status,
            kind: kind.to_owned(),
        }
    }
}
