//! The flashsale binary: reads settings, wires a profile's adapters to the use cases, runs them.

mod cli;

use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use flashsale::{embedded, shutdown, telemetry, Settings};

use crate::cli::{Cli, Command};

/// jemalloc gives memory freed by a long sale back to the system, where glibc's per-thread
/// arenas keep it (measured in docs/benchmarks.md, section 4e).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.profile, &cli.config_dir)
        .with_context(|| format!("loading settings from {}", cli.config_dir.display()))?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            telemetry::init(&settings.log);
            tracing::info!(profile = %cli.profile, "starting");
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            runtime.block_on(async {
                let mut running = flashsale::start(cli.profile, &settings).await?;
                tokio::select! {
                    () = shutdown::signal() => running.stop().await,
                    result = running.finished() => result,
                }
            })
        }
        Command::MintToken {
            sub,
            admin,
            ttl_secs,
        } => {
            let ttl = Duration::from_secs(ttl_secs.unwrap_or(settings.auth.token_ttl_secs));
            let secret = embedded::http_settings(&settings)?.token_secret;
            let token = flashsale_http::mint_token(&secret, &sub, admin, ttl)?;
            println!("{token}");
            Ok(())
        }
        Command::Migrate => {
            telemetry::init(&settings.log);
            let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
            runtime.block_on(flashsale::production::migrate(&settings))?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Openapi => {
            let (service, _receiver) = embedded::build(&settings)?;
            let http = embedded::http_settings(&settings)?;
            // Never refreshed: the document does not depend on the sales.
            let catalog = flashsale_http::SalesSnapshot::new(service.clone(), http.catalog_refresh);
            let api = flashsale_http::openapi_service(service, catalog, &http);
            println!("{}", api.spec());
            Ok(())
        }
    }
}
