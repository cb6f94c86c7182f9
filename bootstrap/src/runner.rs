//! Running a wired service: the HTTP API and/or the order worker, with an orderly stop: the API
//! stops accepting and finishes requests in flight, then the worker drains and commits, then the
//! process may exit. A worker-only process with metrics serves just `GET /metrics`. A worker
//! that ends before it was asked to (it failed, e.g. could not subscribe) stops the API too and
//! the service ends with an error: a process that answers `/healthz` must be doing its work. A process
//! that serves the API refreshes its snapshot of the sales in the background until the server
//! stops.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use flashsale_application::{FlashSale, Ports};
use flashsale_http::{HttpSettings, SalesSnapshot};
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
}

/// Binds the API (when the role serves it, or only `/metrics` when the role is the worker's and
/// metrics are served), then runs API and worker in the background.
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
        Some(RequestDeadline::new(acceptor, REQUEST_DEADLINE))
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
    let on_worker_end = worker.is_some().then_some(on_worker_end);
    let asked_to_stop = Arc::new(AtomicBool::new(false));
    let until_stop = {
        let asked_to_stop = Arc::clone(&asked_to_stop);
        async move {
            let worker_end = async move {
                match on_worker_end {
                    Some(end) => {
                        let _ = end.await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = stopped => asked_to_stop.store(true, Ordering::Release),
                () = worker_end => {
                    tracing::error!("the worker stopped on its own; stopping the API");
                }
            }
        }
    };
    let app = if serves_api {
        let catalog = SalesSnapshot::start(launch.service.clone(), launch.http.catalog_refresh);
        flashsale_http::app(launch.service, catalog, &launch.http)
            .map_to_response()
            .boxed()
    } else {
        flashsale_http::metrics_app(&launch.http).boxed()
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
            if !asked_to_stop.load(Ordering::Acquire) {
                anyhow::bail!("the worker ended before it was asked to stop");
            }
        }
        served?;
        tracing::info!("stopped cleanly");
        Ok(())
    });
    Ok(Running {
        addr,
        stop: Some(stop),
        task,
    })
}
