//! Errors of the test-support API.

/// Why the container stack, or a per-test resource in it, could not be had.
///
/// Messages are kept as text so a failed start can be cached and reported to every test
/// of the binary.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StackError {
    /// `FLASHSALE_SKIP_CONTAINERS=1` is set, so no container is started.
    #[error("containers are skipped by request ({var}=1)", var = crate::ENV_SKIP_CONTAINERS)]
    SkippedByRequest,
    /// The cleanup watchdog (which needs the `docker` CLI) could not be started.
    #[error("cannot arm the container cleanup watchdog: {0}")]
    Watchdog(String),
    /// Docker refused or failed to create and start a container.
    #[error(
        "cannot start the {service} container from image `{image}`: {reason}\n\
         hint: is Docker running and are the test images built? Run `bash scripts/test-env.sh`, \
         or point {env_var} at an image you have; set {skip}=1 to run without containers"
    , skip = crate::ENV_SKIP_CONTAINERS)]
    Start {
        /// Which server.
        service: &'static str,
        /// The image that was asked for.
        image: String,
        /// The variable that overrides the image.
        env_var: &'static str,
        /// Docker's answer.
        reason: String,
    },
    /// The server never answered its readiness probe in time.
    #[error("{service} did not become ready within {seconds}s; last probe error: {last_error}")]
    NotReady {
        /// Which server.
        service: &'static str,
        /// How long it was given.
        seconds: u64,
        /// What the last probe said.
        last_error: String,
    },
    /// A Docker operation on a running container (stop, pause, ...) failed.
    #[error("docker `{operation}` on the {service} container failed: {reason}")]
    Docker {
        /// Which server.
        service: &'static str,
        /// The operation.
        operation: &'static str,
        /// Docker's answer.
        reason: String,
    },
    /// Preparing a per-test database failed.
    #[error("MariaDB: {0}")]
    Database(String),
    /// Preparing a per-test topic failed.
    #[error("Kafka: {0}")]
    Kafka(String),
    /// A fault proxy could not listen.
    #[error("fault proxy: {0}")]
    Proxy(String),
    /// A task on the support runtime panicked or was cancelled.
    #[error("support runtime task failed: {0}")]
    Runtime(String),
}
