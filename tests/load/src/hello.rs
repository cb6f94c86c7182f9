//! A bare poem hello-world on one route: what this machine's HTTP stack can answer at most,
//! the ceiling the service's numbers are read against.

use poem::listener::TcpListener;
use poem::{get, handler, Route, Server};

#[handler]
fn hello() -> &'static str {
    "hello"
}

/// Serves `GET /` with `hello` on `bind` until Ctrl-C.
///
/// # Errors
/// When the address cannot be bound.
pub async fn serve(bind: &str) -> std::io::Result<()> {
    let app = Route::new().at("/", get(hello));
    Server::new(TcpListener::bind(bind.to_owned()))
        .run_with_graceful_shutdown(
            app,
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
            None,
        )
        .await
}
