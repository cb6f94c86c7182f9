//! The outermost layer of the endpoint: what every request and every response goes through.
//!
//! - Each request gets its id ([`HttpRequestId`]) and a `request` span carrying it, the method,
//!   the route template and, once its token is checked, the buyer (`auth` records it), so every
//!   log line of the request has them. The response echoes the id in `X-Request-Id`.
//! - Refused here, before routing, as problems: a URI over [`MAX_URI_BYTES`] (`414`), headers
//!   over [`MAX_HEADER_BYTES`] in all (`431`), and a body of an operation that takes JSON whose
//!   `Content-Type` is not `application/json` (optionally `; charset=utf-8`) (`415`). hyper
//!   answers what it cannot parse at all itself, made a problem by `unparsable`.
//! - Every error raised below a handler (routing, auth, parsing, limits) becomes problem
//!   details with the same status; every problem gets `instance` = `urn:flashsale:request:<id>`.
//! - Every `401` carries `WWW-Authenticate: Bearer` (with `error="invalid_token"` when a bearer
//!   token was presented) and every `405` an `Allow` header with the route's methods.

use std::sync::Arc;

use poem::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};
use poem_openapi::types::ToJSON;
use tracing::Instrument;

use crate::problem::{Problem, ProblemType, PROBLEM_JSON};
use crate::request_id::{HttpRequestId, HEADER as REQUEST_ID};
use crate::routes::{RouteEntry, RouteTable, UNMATCHED};

/// Longest request target (path and query) accepted, in bytes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Most bytes of request headers accepted, names and values of all headers together.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The `WWW-Authenticate` challenge of a request that presented no bearer token.
const CHALLENGE: &str = "Bearer";

/// The challenge of a request whose bearer token was refused (RFC 6750, section 3.1).
const CHALLENGE_INVALID: &str = "Bearer error=\"invalid_token\"";

/// A request refused at the edge, before routing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeRefusal {
    /// The request target is too long.
    #[error("The request target is {length} bytes; at most {MAX_URI_BYTES} are accepted.")]
    UriTooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The headers are too large.
    #[error("The request headers are {size} bytes; at most {MAX_HEADER_BYTES} are accepted.")]
    HeadersTooLarge {
        /// Their size in bytes.
        size: usize,
    },
    /// The body of a JSON operation is declared as something else.
    #[error("The body must be `application/json` (optionally `; charset=utf-8`), not `{0}`.")]
    NotJson(String),
}

impl EdgeRefusal {
    fn status(&self) -> StatusCode {
        match self {
            Self::UriTooLong { .. } => StatusCode::URI_TOO_LONG,
            Self::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::NotJson(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }
}

/// Runs `endpoint` for `req` as described in the module's documentation.
pub async fn edge<E: Endpoint>(
    endpoint: Arc<E>,
    req: Request,
    routes: Arc<RouteTable>,
) -> poem::Result<Response> {
    let id = HttpRequestId::of(req.headers());
    let route = routes.resolve(req.uri().path());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = route.map_or(UNMATCHED, RouteEntry::template),
        buyer = tracing::field::Empty,
    );
    let bearer_presented = presents_bearer(req.headers());
    let response = async move {
        if let Err(refusal) = admit(&req, route) {
            let status = refusal.status();
            return problem_response(poem::Error::from_string(refusal.to_string(), status));
        }
        match endpoint.call(req).await {
            Ok(response) => response.into_response(),
            Err(error) => problem_response(error),
        }
    }
    .instrument(span)
    .await;
    Ok(finish(response, &id, route, bearer_presented).await)
}

/// Refuses what the server will not route.
fn admit(req: &Request, route: Option<&RouteEntry>) -> Result<(), EdgeRefusal> {
    let length = req
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if length > MAX_URI_BYTES {
        return Err(EdgeRefusal::UriTooLong { length });
    }
    let size = header_bytes(req.headers());
    if size > MAX_HEADER_BYTES {
        return Err(EdgeRefusal::HeadersTooLarge { size });
    }
    let takes_json = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH)
        && route.is_some_and(|route| route.allows(req.method()));
    if takes_json {
        if let Some(declared) = req.headers().get(header::CONTENT_TYPE) {
            let declared = String::from_utf8_lossy(declared.as_bytes());
            if !is_json(&declared) {
                return Err(EdgeRefusal::NotJson(declared.into_owned()));
            }
        }
    }
    Ok(())
}

fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// `application/json`, optionally with `charset=utf-8`, in any case and spacing.
fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|parameter| match parameter.split_once('=') {
            Some((name, value)) => {
                name.trim().eq_ignore_ascii_case("charset")
                    && value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            }
            None => false,
        })
}

fn presents_bearer(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.as_bytes().get(..7))
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case(b"bearer "))
}

/// Adds the headers every response of its status carries, and the request's id.
async fn finish(
    mut response: Response,
    id: &HttpRequestId,
    route: Option<&RouteEntry>,
    bearer_presented: bool,
) -> Response {
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_JSON.as_bytes());
    if is_problem {
        response = with_instance(response, id).await;
    }
    let status = response.status();
    let headers = response.headers_mut();
    match status {
        // A challenge the endpoint set itself (`/metrics` names its realm) is kept.
        StatusCode::UNAUTHORIZED if !headers.contains_key(header::WWW_AUTHENTICATE) => {
            let challenge = if bearer_presented {
                CHALLENGE_INVALID
            } else {
                CHALLENGE
            };
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            if let Some(allow) = route.and_then(|route| HeaderValue::from_str(route.allow()).ok()) {
                headers.insert(header::ALLOW, allow);
            }
        }
        _ => {}
    }
    if let Some(value) = id.header_value() {
        headers.insert(REQUEST_ID, value);
    }
    response
}

/// The problem body with its `instance` set to the request's.
async fn with_instance(mut response: Response, id: &HttpRequestId) -> Response {
    let body = match response.take_body().into_bytes().await {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(%error, "cannot read a problem body to name its instance");
            return response;
        }
    };
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(serde_json::Value::Object(mut problem)) => {
            problem.insert("instance".to_owned(), id.instance().into());
            response.set_body(serde_json::Value::Object(problem).to_string());
        }
        _ => response.set_body(body),
    }
    response
}

fn problem_kind(status: StatusCode) -> ProblemType {
    match status.as_u16() {
        401 => ProblemType::Unauthorized,
        403 => ProblemType::Forbidden,
        404 => ProblemType::NotFound,
        405 => ProblemType::MethodNotAllowed,
        413 => ProblemType::PayloadTooLarge,
        414 => ProblemType::UriTooLong,
        415 => ProblemType::UnsupportedMediaType,
        422 => ProblemType::ValidationFailed,
        429 => ProblemType::RateLimited,
        431 => ProblemType::HeadersTooLarge,
        503 => ProblemType::Unavailable,
        400..=499 => ProblemType::BadRequest,
        _ => ProblemType::Internal,
    }
}

/// Turns an error raised outside a handler into problem details with the same status.
fn problem_response(error: poem::Error) -> Response {
    let status = error.status();
    let kind = problem_kind(status);
    let detail = if status.is_server_error() {
        tracing::error!(%error, %status, "request failed");
        "An unexpected error occurred.".to_owned()
    } else {
        error.to_string()
    };
    let mut problem = Problem::new(kind, detail);
    problem.status = status.as_u16();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, PROBLEM_JSON)
        .body(problem.to_json_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_in_utf_8_is_json() {
        for good in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert!(is_json(good), "{good}");
        }
        for bad in [
            "application/problem+json",
            "application/json; charset=latin1",
            "application/json; boundary=x",
            "application/jsonx",
            "text/json",
            "",
        ] {
            assert!(!is_json(bad), "{bad}");
        }
    }

    #[test]
    fn a_bearer_scheme_is_recognised_in_any_case() {
        let mut headers = HeaderMap::new();
        assert!(!presents_bearer(&headers));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bEaReR x"));
        assert!(presents_bearer(&headers));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert!(!presents_bearer(&headers));
    }
}
