//! The command line: serve (the default), mint a token, print the OpenAPI document.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use flashsale::Profile;

/// Flash sales under a stampede.
#[derive(Debug, Parser)]
#[command(name = "flashsale", version, about)]
pub struct Cli {
    /// Deployment profile.
    #[arg(long, env = "FLASHSALE_PROFILE", value_enum, default_value_t = Profile::Embedded, global = true)]
    pub profile: Profile,
    /// Directory holding default.toml and <profile>.toml.
    #[arg(
        long,
        env = "FLASHSALE_CONFIG_DIR",
        default_value = "config",
        global = true
    )]
    pub config_dir: PathBuf,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service.
    Serve,
    /// Print a bearer token signed with the configured secret.
    MintToken {
        /// The user id (`sub` claim).
        #[arg(long)]
        sub: String,
        /// Add the admin claim.
        #[arg(long)]
        admin: bool,
        /// Lifetime in seconds; the configured `auth.token_ttl_secs` when omitted.
        #[arg(long)]
        ttl_secs: Option<u64>,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Apply the database migrations (production profile) and exit.
    Migrate,
}
