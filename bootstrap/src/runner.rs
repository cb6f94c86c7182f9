//! Running a wired service: the HTTP API and/or the order worker, with an orderly stop: the API
//! stops accepting and finishes requests in flight, then the worker drains and commits, then the
//! process may exit. A worker-only process with metrics serves just `GET /metrics`. A process
//! that serves the API refreshes its snapshot of the sales in the background until the server
//! stops.
//!
//! Supervision: every long-running task (the API server, the worker with its consumer and
//! reconciler, the catalog refresher, the metrics gauges) is watched. When one ends before the
//! service was asked to stop (it failed, panicked or returned), `/readyz` turns red, the API
//! stops (finishing the requests in flight) and the service ends with an error naming it, so
//! the binary exits non-zero and an orchestrator restarts it: a process that answers `/healthz`
//! must be doing all of its work.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use flashsale_application::{ErrorChain, FlashSale, Ports};
use flashsale_http::{HttpSettings, ProblemsForUnparsable, SalesSnapshot};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{EndpointExt, Server};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::settings::Role;
use crate::slow_clients::{RequestDeadline, REQUEST_DEADLINE};

/// A future that resolves when the worker must stop.
pub type StopSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Two stop signals that resolve when `stop` does, for two tasks of one worker.
pub fn split_stop(stop: StopSignal) -> (StopSignal, StopSignal) {
    let (tell, told) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        stop.await;
        let _ = tell.send(true);
    });
    let waiter = |mut told: tokio::sync::watch::Receiver<bool>| -> StopSignal {
        Box::pin(async move {
            let _ = told.wait_for(|stopped| *stopped).await;
        })
    };
    (waiter(told.clone()), waiter(told))
}

/// A service started in the background.
pub struct Running {
    addr: Option<SocketAddr>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Where the API (or, in a worker-only process with metrics, `/metrics`) listens.
    pub fn addr(&self) -> Option<SocketAddr> {
        self.addr
    }

    /// Stops in order and waits until everything has stopped.
    ///
    /// # Errors
    /// When serving or the worker failed.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.context("the service task panicked")?
    }

    /// Waits until the service stops by itself (it only does on failure).
    ///
    /// # Errors
    /// Why it stopped.
    pub async fn finished(&mut self) -> anyhow::Result<()> {
        (&mut self.task)
            .await
            .context("the service task panicked")?
    }
}

/// A background task the runner watches: `ended` resolves when it has ended, however it ended.
pub struct Watched {
    /// What the task is, in logs and errors (`"metrics gauges"`).
    pub name: &'static str,
    /// Resolves when the task has ended.
    pub ended: StopSignal,
}

impl Watched {
    /// Watches a spawned task.
    pub fn task<T: Send + 'static>(name: &'static str, task: JoinHandle<T>) -> Self {
        Self {
            name,
            ended: Box::pin(async move {
                if let Err(error) = task.await {
                    tracing::error!(error = %ErrorChain(&error), task = name, "a background task panicked");
                }
            }),
        }
    }
}

/// What to run and how.
pub struct Launch<P: Ports, W> {
    /// The wired service.
    pub service: Arc<FlashSale<P>>,
    /// Which parts run in this process.
    pub role: Role,
    /// Where the API listens.
    pub bind: String,
    /// The API's settings.
    pub http: HttpSettings,
    /// How long stopping waits for requests in flight.
    pub grace: Duration,
    /// Runs the worker until the stop signal it is given resolves.
    pub worker: W,
    /// Other background tasks that must run as long as the service (e.g. the metrics gauges).
    pub watched: Vec<Watched>,
}

/// The first watched task that ended before the service was asked to stop.
type EndedFirst = Arc<Mutex<Option<&'static str>>>;

/// Binds the API (when the role serves it, or only `/metrics` when the role is the worker's and
/// metrics are served), then runs API and worker in the background, watching them and the
/// other tasks.
///
/// # Errors
/// When the address cannot be bound.
pub async fn launch<P, W, F>(launch: Launch<P, W>) -> anyhow::Result<Running>
where
    P: Ports,
    W: FnOnce(StopSignal) -> F,
    F: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let serves_api = launch.role.serves_api();
    let acceptor = if serves_api || launch.http.metrics.is_some() {
        let acceptor = TcpListener::bind(launch.bind.clone())
            .into_acceptor()
            .await
            .with_context(|| format!("binding {}", launch.bind))?;
        Some(RequestDeadline::new(
            ProblemsForUnparsable::new(acceptor),
            REQUEST_DEADLINE,
        ))
    } else {
        None
    };
    let addr = acceptor.as_ref().and_then(|a| {
        a.local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
    });
    match addr {
        Some(addr) if serves_api => {
            tracing::info!("listening on http://{addr} (docs at http://{addr}/docs)");
        }
        Some(addr) => tracing::info!("serving metrics on http://{addr}/metrics"),
        None => {}
    }

    let mut watched = launch.watched;
    let (stop, stopped) = oneshot::channel::<()>();
    let (stop_worker, worker_stopped) = oneshot::channel::<()>();
    let (worker_ended, on_worker_end) = oneshot::channel::<()>();
    let worker = launch.role.runs_worker().then(|| {
        let signal: StopSignal = Box::pin(async move {
            let _ = worker_stopped.await;
        });
        let work = (launch.worker)(signal);
        tokio::spawn(async move {
            let result = work.await;
            let _ = worker_ended.send(());
            result
        })
    });
    if worker.is_some() {
        watched.push(Watched {
            name: "order worker",
            ended: Box::pin(async move {
                let _ = on_worker_end.await;
            }),
        });
    }
    let app = if serves_api {
        let catalog = SalesSnapshot::start(launch.service.clone(), launch.http.catalog_refresh);
        let refresher = catalog.refresher_ended();
        watched.push(Watched {
            name: "catalog refresher",
            ended: Box::pin(refresher.wait()),
        });
        flashsale_http::app(launch.service, catalog, &launch.http)
            .map_to_response()
            .boxed()
    } else {
        flashsale_http::metrics_app(&launch.http).boxed()
    };
    let readiness = launch.http.readiness.clone();
    let ended_first: EndedFirst = Arc::default();
    let until_stop = {
        let ended_first = Arc::clone(&ended_first);
        async move {
            let first_end = first_to_end(watched);
            tokio::select! {
                _ = stopped => readiness.down("asked to stop"),
                name = first_end => {
                    tracing::error!(task = name, "a task ended on its own; stopping the service");
                    readiness.down(format!("the {name} ended"));
                    *ended_first.lock().unwrap_or_else(PoisonError::into_inner) = Some(name);
                }
            }
        }
    };
    let grace = launch.grace;
    let task = tokio::spawn(async move {
        let served = match acceptor {
            Some(acceptor) => Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(app, until_stop, Some(grace))
                .await
                .context("serving HTTP"),
            None => {
                until_stop.await;
                Ok(())
            }
        };
        tracing::info!("API stopped; stopping the worker");
        let _ = stop_worker.send(());
        if let Some(worker) = worker {
            worker.await.context("the worker panicked")??;
        }
        served?;
        let ended = *ended_first.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(name) = ended {
            anyhow::bail!("the {name} ended before it was asked to stop");
        }
        tracing::info!("stopped cleanly");
        Ok(())
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        task,
    })
}

/// The name of the first task to end; never resolves when there is none.
async fn first_to_end(watched: Vec<Watched>) -> &'static str {
    let (tell, mut told) = tokio::sync::mpsc::channel(watched.len().max(1));
    for task in watched {
        let tell = tell.clone();
        tokio::spawn(async move {
            task.ended.await;
            let _ = tell.send(task.name).await;
        });
    }
    drop(tell);
    match told.recv().await {
        Some(name) => name,
        None => std::future::pending().await,
    }
}
