//! Keep-alive HTTP/1.1 to the service (hyper's pooled client), with the few calls a run makes.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client as Pooled};
use hyper_util::rt::TokioExecutor;

use crate::config::RunConfig;
use crate::LoadError;

/// The absolute URI of `path` on `base` (no trailing slash).
pub fn uri_at(base: &str, path: &str) -> Result<Uri, LoadError> {
    format!("{base}{path}")
        .parse()
        .map_err(|e| LoadError::Config(format!("url {base}{path}: {e}")))
}

/// An answer: status and body.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Bytes,
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Not within the timeout.
    #[error("timed out")]
    Timeout,
    /// The connection failed.
    #[error("{0}")]
    Transport(String),
}

/// The pooled client and the run's base URL.
#[derive(Clone)]
pub struct Client {
    inner: Pooled<HttpConnector, Full<Bytes>>,
    base: String,
    timeout: Duration,
    forwarded_for: Option<HeaderName>,
}

impl Client {
    /// A client keeping up to `config.connections` idle connections.
    ///
    /// # Errors
    /// [`LoadError::Config`] when the forwarded-for header name is invalid.
    pub fn new(config: &RunConfig) -> Result<Self, LoadError> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_keepalive(Some(Duration::from_secs(60)));
        let inner = Pooled::builder(TokioExecutor::new())
            .pool_max_idle_per_host(config.connections)
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        let forwarded_for = config
            .forwarded_for
            .as_deref()
            .map(|name| {
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|e| LoadError::Config(format!("forwarded-for header: {e}")))
            })
            .transpose()?;
        Ok(Self {
            inner,
            base: config.base_url.clone(),
            timeout: config.request_timeout,
            forwarded_for,
        })
    }

    /// The absolute URI of `path` on the run's base URL.
    pub fn uri(&self, path: &str) -> Result<Uri, LoadError> {
        uri_at(&self.base, path)
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &self,
        method: Method,
        uri: Uri,
        bearer: Option<&HeaderValue>,
        address: Option<&HeaderValue>,
        body: Option<Bytes>,
    ) -> Result<Answer, SendError> {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = bearer {
            builder = builder.header(AUTHORIZATION, token.clone());
        }
        if let (Some(name), Some(value)) = (&self.forwarded_for, address) {
            builder = builder.header(name.clone(), value.clone());
        }
        let request = match body {
            Some(body) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(Full::new(body)),
            None => builder.body(Full::new(Bytes::new())),
        }
        .map_err(|e| SendError::Transport(e.to_string()))?;
        let exchange = async {
            let response = self
                .inner
                .request(request)
                .await
                .map_err(|e| SendError::Transport(e.to_string()))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| SendError::Transport(e.to_string()))?
                .to_bytes();
            Ok(Answer { status, body })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or(Err(SendError::Timeout))
    }

    /// A GET with a bearer token, expected to answer 200 with JSON.
    pub async fn get_json(
        &self,
        path: &str,
        bearer: &HeaderValue,
        during: &'static str,
    ) -> Result<serde_json::Value, LoadError> {
        let answer = self
            .send(Method::GET, self.uri(path)?, Some(bearer), None, None)
            .await
            .map_err(|e| service(during, e.to_string()))?;
        if answer.status != 200 {
            return Err(service(during, describe(&answer)));
        }
        serde_json::from_slice(&answer.body).map_err(|e| service(during, e.to_string()))
    }
}

/// A setup or check failure.
pub fn service(during: &'static str, detail: String) -> LoadError {
    LoadError::Service { during, detail }
}

/// The status and body of an unexpected answer.
pub fn describe(answer: &Answer) -> String {
    format!(
        "status {}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    )
}

/// `Bearer <token>` as a header value.
pub fn bearer(token: &str) -> Result<HeaderValue, LoadError> {
    HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|e| LoadError::Config(format!("token header: {e}")))
}
