//! The load itself: the closed model (users waiting for their answers) and the open model
//! (requests due on a schedule, latency from the due time), both over at most `connections`
//! requests in flight.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::Method;
use serde::Deserialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::client::{uri_at, Client, SendError};
use crate::config::{Model, RunConfig};
use crate::outcome::Outcome;
use crate::plan::pair;
use crate::recorder::Recorder;
use crate::schedule::Schedule;
use crate::setup::Target;
use crate::LoadError;

/// A buy that was accepted (or whose outcome the service could not learn): whose, for what,
/// and the id to poll.
#[derive(Debug, Clone)]
pub struct AcceptedBuy {
    /// Index of the user.
    pub user: u32,
    /// Index of the product.
    pub product: u32,
    /// The request id to poll.
    pub request_id: String,
}

/// What the load produced.
pub struct Driven {
    /// Latencies, outcomes, timeline.
    pub recorder: Recorder,
    /// Every accepted buy.
    pub accepted: Vec<AcceptedBuy>,
    /// Every buy answered `503 outcome-unknown`: each may own a unit.
    pub undecided: Vec<AcceptedBuy>,
    /// From the first request due to the last answer.
    pub elapsed: Duration,
}

/// The body of a `202`, and of a `503 outcome-unknown` problem.
#[derive(Deserialize)]
struct AcceptedBody {
    #[serde(rename = "requestId")]
    request_id: String,
}

struct Shared {
    client: Client,
    target: Arc<Target>,
    users: u32,
    products: u32,
    permits: Semaphore,
    recorder: Mutex<Recorder>,
    accepted: Mutex<Vec<AcceptedBuy>>,
    undecided: Mutex<Vec<AcceptedBuy>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    /// Sends request `i`, due at `due`, and records its answer.
    async fn buy(&self, i: u64, due: Instant) {
        let (user_index, product_index) = pair(i, self.users, self.products);
        let apis = self.target.buy_uris.len().max(1);
        let (Some(user), Some(uri)) = (
            self.target.users.get(user_index as usize),
            self.target
                .buy_uris
                .get(user_index as usize % apis)
                .and_then(|uris| uris.get(product_index as usize)),
        ) else {
            return;
        };
        let answer = {
            let _permit = self.permits.acquire().await;
            self.client
                .send(
                    Method::POST,
                    uri.clone(),
                    Some(&user.bearer),
                    Some(&user.address),
                    Some(Bytes::from_static(b"{}")),
                )
                .await
        };
        let done = Instant::now();
        let outcome = match &answer {
            Ok(answer) => Outcome::of(answer.status, &answer.body),
            Err(SendError::Timeout) => Outcome::Timeout,
            Err(SendError::Transport(_)) => Outcome::TransportError,
        };
        let kept = match outcome {
            Outcome::Accepted => Some(&self.accepted),
            Outcome::OutcomeUnknown => Some(&self.undecided),
            _ => None,
        };
        if let (Some(kept), Ok(answer)) = (kept, &answer) {
            match serde_json::from_slice::<AcceptedBody>(&answer.body) {
                Ok(body) => lock(kept).push(AcceptedBuy {
                    user: user_index,
                    product: product_index,
                    request_id: body.request_id,
                }),
                Err(_) => {
                    lock(&self.recorder).record(Outcome::ServerError, done - due, done);
                    return;
                }
            }
        }
        lock(&self.recorder).record(outcome, done.saturating_duration_since(due), done);
    }
}

/// Opens up to `connections` keep-alive connections before the clock starts (as wrk does), so
/// the first second does not measure connection set-up: as many concurrent `GET /healthz`,
/// shared out over the API processes.
async fn open_connections(client: &Client, apis: &[String], connections: usize) {
    let Ok(uris) = apis
        .iter()
        .map(|api| uri_at(api, "/healthz"))
        .collect::<Result<Vec<_>, _>>()
    else {
        return;
    };
    let mut probes = JoinSet::new();
    for uri in uris.iter().cycle().take(connections) {
        let (client, uri) = (client.clone(), uri.clone());
        probes.spawn(async move { client.send(Method::GET, uri, None, None, None).await });
    }
    while probes.join_next().await.is_some() {}
}

/// Runs the configured model to its end.
///
/// # Errors
/// [`LoadError::Config`] when the histograms cannot be made.
pub async fn drive(
    config: &RunConfig,
    client: &Client,
    target: &Arc<Target>,
) -> Result<Driven, LoadError> {
    open_connections(client, &config.apis(), config.connections).await;
    let start = Instant::now();
    let recorder = Recorder::new(start).map_err(|e| LoadError::Config(e.to_string()))?;
    let shared = Arc::new(Shared {
        client: client.clone(),
        target: target.clone(),
        users: config.users,
        products: config.products,
        permits: Semaphore::new(config.connections),
        recorder: Mutex::new(recorder),
        accepted: Mutex::new(Vec::new()),
        undecided: Mutex::new(Vec::new()),
    });
    match (&config.model, Schedule::of(&config.model)) {
        (
            Model::Closed {
                requests_per_user,
                duration,
            },
            _,
        ) => closed(&shared, *requests_per_user, duration.map(|d| start + d)).await,
        (_, Some(schedule)) => open(&shared, schedule, config.planned_requests(), start).await,
        (_, None) => {}
    }
    let elapsed = start.elapsed();
    let shared = Arc::into_inner(shared)
        .ok_or_else(|| LoadError::Config("a request task outlived the run".into()))?;
    Ok(Driven {
        recorder: shared
            .recorder
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
        accepted: shared
            .accepted
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
        undecided: shared
            .undecided
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
        elapsed,
    })
}

async fn closed(shared: &Arc<Shared>, requests_per_user: u32, deadline: Option<Instant>) {
    let mut users = JoinSet::new();
    for user in 0..shared.users {
        let shared = shared.clone();
        users.spawn(async move {
            for round in 0..requests_per_user {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    break;
                }
                let i = u64::from(round) * u64::from(shared.users) + u64::from(user);
                shared.buy(i, Instant::now()).await;
            }
        });
    }
    while users.join_next().await.is_some() {}
}

async fn open(shared: &Arc<Shared>, schedule: Schedule, requests: u64, start: Instant) {
    let mut in_flight = JoinSet::new();
    let mut next = 0u64;
    while next < requests {
        let now = start.elapsed();
        while next < requests && schedule.due(next) <= now {
            let shared = shared.clone();
            let due = start + schedule.due(next);
            let i = next;
            in_flight.spawn(async move { shared.buy(i, due).await });
            next += 1;
        }
        while in_flight.try_join_next().is_some() {}
        if next < requests {
            tokio::time::sleep_until((start + schedule.due(next)).into()).await;
        }
    }
    while in_flight.join_next().await.is_some() {}
}
