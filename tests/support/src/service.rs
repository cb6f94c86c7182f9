//! One running server of the stack: its container handle, address and fault operations.

use std::sync::Arc;

use testcontainers::core::ContainerPort;
use testcontainers::runners::AsyncRunner;
use testcontainers::{ContainerAsync, GenericImage, ImageExt};

use crate::cleanup::{session_id, SERVICE_LABEL, SESSION_LABEL};
use crate::config::{ready_timeout, split_image};
use crate::ports::{free_port, is_port_clash};
use crate::probe::Probe;
use crate::runtime::on_support_runtime;
use crate::{StackError, ENV_KAFKA_IMAGE, ENV_MARIADB_IMAGE, ENV_REDIS_IMAGE};

/// Containers started for one service before a readiness failure is final.
const READY_ATTEMPTS: u32 = 2;
const PORT_ATTEMPTS: usize = 5;

/// Which server a [`Service`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    /// Redis.
    Redis,
    /// MariaDB.
    MariaDb,
    /// Kafka.
    Kafka,
}

impl ServiceKind {
    /// Short lower-case name, also the value of the `flashsale.service` label.
    pub fn name(self) -> &'static str {
        match self {
            Self::Redis => "redis",
            Self::MariaDb => "mariadb",
            Self::Kafka => "kafka",
        }
    }

    /// The environment variable that overrides this server's image.
    pub fn image_env_var(self) -> &'static str {
        match self {
            Self::Redis => ENV_REDIS_IMAGE,
            Self::MariaDb => ENV_MARIADB_IMAGE,
            Self::Kafka => ENV_KAFKA_IMAGE,
        }
    }
}

/// Where a container joins a user-defined Docker network, under a name the other containers on
/// it resolve (Docker's embedded DNS); the default bridge when none is given.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placement<'a> {
    /// The network, created beforehand.
    pub(crate) network: &'a str,
    /// The container's name, also its host name on the network.
    pub(crate) name: &'a str,
}

/// A started container with its published address.
///
/// The host port is chosen before the container starts and stays the same across
/// [`stop`](Self::stop)/[`start`](Self::start), so clients can reconnect to the same
/// address after a fault test. The fault operations act on the one container shared by
/// all tests of the binary: tests that use them must not run concurrently with others.
pub struct Service {
    kind: ServiceKind,
    image: String,
    host: String,
    port: u16,
    container: Arc<ContainerAsync<GenericImage>>,
    probe: Probe,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("kind", &self.kind)
            .field("image", &self.image)
            .field("id", &self.id())
            .field("address", &self.address())
            .finish()
    }
}

impl Service {
    /// Starts a container of `image` publishing `container_port` on a free host port, with
    /// the environment `env(host, host_port)`, then waits for `probe(host, host_port)`. A
    /// container that never becomes ready is removed and replaced once (a fresh port, a fresh
    /// container); the error then carries the tail of its log.
    pub(crate) async fn launch(
        kind: ServiceKind,
        image: &str,
        container_port: u16,
        env: impl Fn(&str, u16) -> Vec<(String, String)>,
        probe: impl Fn(&str, u16) -> Probe,
    ) -> Result<Self, StackError> {
        let mut launches = 0;
        loop {
            launches += 1;
            let service =
                Self::start_container(kind, image, container_port, None, &env, &probe).await?;
            match service.wait_ready().await {
                Ok(()) => return Ok(service),
                Err(error) if launches < READY_ATTEMPTS => {
                    let log = service.log_tail().await;
                    eprintln!(
                        "flashsale-test-support: {} not ready ({error}); replacing its container. \
                         Its log ended with:\n{log}",
                        kind.name()
                    );
                }
                Err(error) => {
                    let log = service.log_tail().await;
                    eprintln!("flashsale-test-support: {} log tail:\n{log}", kind.name());
                    return Err(error);
                }
            }
        }
    }

    /// Starts a container as [`Self::launch`] does, placed on a network when `placement` says
    /// so, without waiting for it to be ready (call [`Self::wait_ready`]): the nodes of a
    /// cluster answer only once enough of them run.
    pub(crate) async fn start_container(
        kind: ServiceKind,
        image: &str,
        container_port: u16,
        placement: Option<Placement<'_>>,
        env: &impl Fn(&str, u16) -> Vec<(String, String)>,
        probe: &impl Fn(&str, u16) -> Probe,
    ) -> Result<Self, StackError> {
        let (name, tag) = split_image(image);
        let start_error = |reason: String| StackError::Start {
            service: kind.name(),
            image: image.to_owned(),
            env_var: kind.image_env_var(),
            reason,
        };
        let mut attempt = 0;
        let (container, port) = loop {
            attempt += 1;
            let port = free_port().map_err(|e| start_error(format!("no free host port: {e}")))?;
            let mut request = GenericImage::new(name.clone(), tag.clone())
                .with_exposed_port(ContainerPort::Tcp(container_port))
                .with_mapped_port(port, ContainerPort::Tcp(container_port))
                .with_label(SESSION_LABEL, session_id())
                .with_label(SERVICE_LABEL, kind.name())
                .with_label("flashsale.test-pid", std::process::id().to_string());
            if let Some(placement) = placement {
                request = request
                    .with_network(placement.network)
                    .with_container_name(placement.name);
            }
            for (key, value) in env(HOST, port) {
                request = request.with_env_var(key, value);
            }
            match request.start().await {
                Ok(container) => break (container, port),
                Err(e) if attempt < PORT_ATTEMPTS && is_port_clash(&e.to_string()) => {
                    // The container was created before its start failed: a named one would
                    // block the name for the next attempt.
                    if let Some(placement) = placement {
                        let _ = std::process::Command::new("docker")
                            .args(["rm", "-f", placement.name])
                            .output();
                    }
                    continue;
                }
                Err(e) => return Err(start_error(e.to_string())),
            }
        };
        Ok(Self {
            kind,
            image: image.to_owned(),
            host: HOST.to_owned(),
            port,
            container: Arc::new(container),
            probe: probe(HOST, port),
        })
    }

    /// The last lines the container wrote, for a diagnosis; empty when Docker cannot say.
    pub(crate) async fn log_tail(&self) -> String {
        let mut log = self.container.stdout_to_vec().await.unwrap_or_default();
        log.extend(self.container.stderr_to_vec().await.unwrap_or_default());
        let text = String::from_utf8_lossy(&log);
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Which server this is.
    pub fn kind(&self) -> ServiceKind {
        self.kind
    }

    /// The image the container runs.
    pub fn image(&self) -> &str {
        &self.image
    }

    /// The container id, e.g. for `docker logs` or `docker exec`.
    pub fn id(&self) -> &str {
        self.container.id()
    }

    /// Host on which the server's port is published.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Published host port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `host:port` as clients dial it.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The testcontainers handle. Its Docker calls must run on the support runtime, so
    /// prefer the methods of [`Service`]; use the handle for its id or image details.
    pub fn container(&self) -> &ContainerAsync<GenericImage> {
        &self.container
    }

    /// Waits until the server answers its readiness probe (PING, `SELECT 1`, metadata).
    pub async fn wait_ready(&self) -> Result<(), StackError> {
        self.probe
            .wait_ready(self.kind.name(), ready_timeout())
            .await
    }

    /// Stops the container (SIGTERM, then SIGKILL after 10 s). Its data is kept.
    pub async fn stop(&self) -> Result<(), StackError> {
        self.docker("stop", |c| async move { c.stop().await }).await
    }

    /// Starts the stopped container again and waits until the server is ready.
    pub async fn start(&self) -> Result<(), StackError> {
        self.docker("start", |c| async move { c.start().await })
            .await?;
        self.wait_ready().await
    }

    /// Stops and starts the container, then waits until the server is ready.
    pub async fn restart(&self) -> Result<(), StackError> {
        self.stop().await?;
        self.start().await
    }

    /// Freezes every process of the container (connections stay open but hang).
    pub async fn pause(&self) -> Result<(), StackError> {
        self.docker("pause", |c| async move { c.pause().await })
            .await
    }

    /// Thaws a paused container.
    pub async fn unpause(&self) -> Result<(), StackError> {
        self.docker("unpause", |c| async move { c.unpause().await })
            .await
    }

    /// Whether the container is running (a paused container counts as running).
    pub async fn is_running(&self) -> Result<bool, StackError> {
        let container = Arc::clone(&self.container);
        let kind = self.kind;
        on_support_runtime(async move {
            container
                .is_running()
                .await
                .map_err(|e| StackError::Docker {
                    service: kind.name(),
                    operation: "inspect",
                    reason: e.to_string(),
                })
        })
        .await
    }

    async fn docker<F, Fut>(&self, operation: &'static str, op: F) -> Result<(), StackError>
    where
        F: FnOnce(Arc<ContainerAsync<GenericImage>>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = testcontainers::core::error::Result<()>> + Send,
    {
        let container = Arc::clone(&self.container);
        let kind = self.kind;
        on_support_runtime(async move {
            op(container).await.map_err(|e| StackError::Docker {
                service: kind.name(),
                operation,
                reason: e.to_string(),
            })
        })
        .await
    }
}

/// Clients reach the published ports on the loopback address (Docker runs locally).
const HOST: &str = "127.0.0.1";
