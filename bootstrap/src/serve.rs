//! Running the service: bind, serve, and on a signal stop accepting, drain the queue, exit.

use std::time::Duration;

use anyhow::Context;
use flashsale_memory::run_order_worker;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::Server;
use tokio::sync::oneshot;

use crate::settings::Settings;
use crate::{demo, embedded, shutdown};

/// Serves the embedded profile until SIGINT or SIGTERM, then drains the order queue.
///
/// # Errors
/// When the settings are invalid, the address cannot be bound, or serving fails.
pub async fn serve_embedded(settings: &Settings) -> anyhow::Result<()> {
    let (service, receiver) = embedded::build(settings)?;
    let report = service.preload_stock().await.context("preloading stock")?;
    tracing::info!(?report, "stock preloaded");
    if settings.demo.seed {
        demo::seed(&service, &settings.demo).await?;
    }

    let (stop_worker, worker_stopped) = oneshot::channel::<()>();
    let worker = tokio::spawn(run_order_worker(
        service.clone(),
        receiver,
        embedded::worker_settings(settings),
        async move {
            let _ = worker_stopped.await;
        },
    ));

    let acceptor = TcpListener::bind(settings.http.bind.clone())
        .into_acceptor()
        .await
        .with_context(|| format!("binding {}", settings.http.bind))?;
    if let Some(addr) = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
    {
        tracing::info!("listening on http://{addr} (docs at http://{addr}/docs)");
    }
    let app = flashsale_http::app(service, &embedded::http_settings(settings));
    let grace = Duration::from_secs(settings.http.shutdown_grace_secs);
    Server::new_with_acceptor(acceptor)
        .run_with_graceful_shutdown(app, shutdown::signal(), Some(grace))
        .await
        .context("serving HTTP")?;

    tracing::info!("HTTP stopped; draining the order queue");
    let _ = stop_worker.send(());
    worker.await.context("the order worker panicked")?;
    tracing::info!("stopped cleanly");
    Ok(())
}
