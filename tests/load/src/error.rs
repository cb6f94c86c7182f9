//! Why a run could not be carried out (as opposed to a run whose invariants failed).

/// A run that could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The configuration is inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A token could not be minted.
    #[error("cannot mint a token: {0}")]
    Token(#[from] flashsale_http::TokenError),
    /// The service answered a setup or check request unexpectedly.
    #[error("{during}: {detail}")]
    Service {
        /// What the generator was doing.
        during: &'static str,
        /// The status and body, or the transport error.
        detail: String,
    },
    /// The system of record could not be read.
    #[error("reading the database: {0}")]
    Database(#[from] sqlx::Error),
    /// Writing an output file failed.
    #[error("writing {path}: {source}")]
    Output {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Nobody removed the answered marker within the drain timeout.
    #[error("the answered marker {path} was not removed in time")]
    MarkerKept {
        /// The marker file.
        path: String,
    },
}
