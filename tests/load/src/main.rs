//! `flashsale-load`: `run` drives a load against a running service and checks the invariants
//! (exit 0 when they hold, 1 when violated, 2 when the run could not be carried out); `hello`
//! serves a bare poem hello-world, the ceiling to compare with.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use flashsale_load::{chart_html, Model, RunConfig};

#[derive(Parser)]
#[command(name = "flashsale-load", about = "Load generator for flashsale")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a load and check the invariants.
    Run(Box<RunArgs>),
    /// Serve a bare poem hello-world on `GET /` (the HTTP ceiling, for wrk).
    Hello {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8099")]
        bind: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ModelKind {
    /// N users, each waiting for its answer before the next request.
    Closed,
    /// A constant (or ramping) arrival rate.
    Open,
    /// Every request at once.
    Burst,
}

#[derive(Args)]
struct RunArgs {
    /// The service's base URL.
    #[arg(
        long,
        env = "FLASHSALE_LOAD_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    base_url: String,
    /// Another API process of the same service, buyers spread over all (repeat for more):
    /// buyer n buys from the (n mod APIs)-th; set-up and checks use --base-url.
    #[arg(long = "also-api")]
    also_api: Vec<String>,
    /// The service's token secret.
    #[arg(long, env = "FLASHSALE__AUTH__TOKEN_SECRET", hide_env_values = true)]
    secret: String,
    /// Prefix of the run's product and user ids (default: load-<unix seconds>).
    #[arg(long)]
    run_id: Option<String>,
    /// Virtual buyers.
    #[arg(long, default_value_t = 500)]
    users: u32,
    /// Products.
    #[arg(long, default_value_t = 1)]
    products: u32,
    /// Stock per product.
    #[arg(long, default_value_t = 100)]
    stock: u32,
    /// The load model.
    #[arg(long, value_enum, default_value = "closed")]
    model: ModelKind,
    /// Closed model: requests per user.
    #[arg(long, default_value_t = 1)]
    requests_per_user: u32,
    /// Closed model: stop after this many seconds; open model: requests = rate x duration.
    #[arg(long)]
    duration_secs: Option<f64>,
    /// Open model: requests per second (after the ramp).
    #[arg(long, default_value_t = 1_000.0)]
    rate: f64,
    /// Open model: requests per second at the start of the ramp (default: --rate).
    #[arg(long)]
    start_rate: Option<f64>,
    /// Open model: seconds the ramp lasts.
    #[arg(long, default_value_t = 0.0)]
    ramp_secs: f64,
    /// Open and burst models: requests in total (overrides --duration-secs).
    #[arg(long)]
    requests: Option<u64>,
    /// Most requests in flight (keep-alive connections); default: users, at most 1000.
    #[arg(long)]
    connections: Option<usize>,
    /// Longest wait for one answer, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Header carrying each user's fake client address; "" for none.
    #[arg(long, default_value = "x-forwarded-for")]
    forwarded_for: String,
    /// Users sharing one fake client address.
    #[arg(long, default_value_t = 1)]
    users_per_address: u32,
    /// Longest wait for the orders to drain, in seconds.
    #[arg(long, default_value_t = 120)]
    drain_timeout_secs: u64,
    /// The system of record (production profile) to check against.
    #[arg(long, env = "FLASHSALE_LOAD_MYSQL_URL", hide_env_values = true)]
    mysql_url: Option<String>,
    /// Skip polling every accepted purchase's result.
    #[arg(long)]
    no_check_results: bool,
    /// A file to create once every request is answered; the drain wait starts once it is removed.
    #[arg(long)]
    answered_marker: Option<std::path::PathBuf>,
    /// Where to write the JSON result.
    #[arg(long)]
    json: Option<String>,
    /// Where to write the HTML chart.
    #[arg(long)]
    html: Option<String>,
}

impl RunArgs {
    fn config(&self) -> RunConfig {
        let run_id = self
            .run_id
            .clone()
            .unwrap_or_else(|| format!("load-{}", chrono::Utc::now().timestamp()));
        let mut config = RunConfig::closed(&self.base_url, &self.secret, &run_id, self.users);
        config.other_apis = self.also_api.clone();
        config.products = self.products;
        config.stock = self.stock;
        let duration = self.duration_secs.map(Duration::from_secs_f64);
        let requests = self.requests.unwrap_or_else(|| {
            let secs = self.duration_secs.unwrap_or(10.0);
            (self.rate * secs).round() as u64
        });
        config.model = match self.model {
            ModelKind::Closed => Model::Closed {
                requests_per_user: if duration.is_some() && self.requests_per_user == 1 {
                    u32::MAX
                } else {
                    self.requests_per_user
                },
                duration,
            },
            ModelKind::Open => Model::Open {
                rate: self.rate,
                start_rate: self.start_rate.unwrap_or(self.rate),
                ramp: Duration::from_secs_f64(self.ramp_secs.max(0.0)),
                requests,
            },
            ModelKind::Burst => Model::Burst {
                requests: self.requests.unwrap_or(u64::from(self.users)),
            },
        };
        if let Some(connections) = self.connections {
            config.connections = connections;
        }
        config.request_timeout = Duration::from_millis(self.timeout_ms);
        config.forwarded_for = (!self.forwarded_for.is_empty()).then(|| self.forwarded_for.clone());
        config.users_per_address = self.users_per_address;
        config.drain_timeout = Duration::from_secs(self.drain_timeout_secs);
        config.mysql_url = self.mysql_url.clone();
        config.check_results = !self.no_check_results;
        config.answered_marker = self.answered_marker.clone();
        config
    }
}

async fn run(args: &RunArgs) -> anyhow::Result<bool> {
    let report = flashsale_load::run(&args.config()).await?;
    print!("{}", report.human());
    if let Some(path) = &args.json {
        std::fs::write(path, report.json())?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, chart_html(&report))?;
    }
    Ok(report.passed())
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Hello { bind } => match flashsale_load::hello::serve(&bind).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("flashsale-load hello: {error}");
                ExitCode::from(2)
            }
        },
        Command::Run(args) => match run(&args).await {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(error) => {
                eprintln!("flashsale-load: {error:#}");
                ExitCode::from(2)
            }
        },
    }
}
