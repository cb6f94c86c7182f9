//! Times every request: `flashsale_http_request_duration_seconds{route, method, status}`.
//!
//! `route` is the matched route template (`/api/v1/sales/:productId/purchases`), never the raw
//! path, so ids cannot blow up the label set; a request no route matched is `unmatched`. The
//! labels are shared or static strings: no allocation per request beyond the metrics key.
//!
//! poem-openapi registers an operation's path variables as `:param0`, `:param1`, ...; the
//! OpenAPI document names them, so [`RouteNames`] maps each registered pattern back to the
//! documented names once, at startup.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use metrics::SharedString;
use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};

/// The histogram's name (described in `docs/metrics.md`).
pub const HTTP_REQUEST_DURATION: &str = "flashsale_http_request_duration_seconds";

/// The `route` of requests no route matched.
const UNMATCHED: &str = "unmatched";

/// Route templates as poem-openapi registers them, with the documented variable names.
#[derive(Debug, Default)]
pub struct RouteNames(HashMap<String, SharedString>);

impl RouteNames {
    /// Reads the paths of an OpenAPI document (JSON); an unreadable one maps nothing.
    pub fn from_spec(spec: &str) -> Self {
        let document: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let names = document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.keys())
            .map(|path| {
                let (registered, named) = templates(path);
                (registered, SharedString::from_shared(Arc::from(named)))
            })
            .collect();
        Self(names)
    }

    /// The `route` label of a matched pattern, or `unmatched` (no pattern, or only the empty
    /// one of the catch-all under which the API is nested).
    fn label(&self, pattern: Option<&PathPattern>) -> SharedString {
        match pattern {
            None => SharedString::const_str(UNMATCHED),
            Some(pattern) if pattern.0.is_empty() => SharedString::const_str(UNMATCHED),
            Some(pattern) => match self.0.get(&*pattern.0) {
                Some(named) => named.clone(),
                None => SharedString::from_shared(Arc::clone(&pattern.0)),
            },
        }
    }
}

/// `/a/{x}/b/{y}` as poem-openapi registers it (`/a/:param0/b/:param1`) and as it reads
/// (`/a/:x/b/:y`).
fn templates(path: &str) -> (String, String) {
    let mut registered = String::new();
    let mut named = String::new();
    let mut variables = 0;
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        match segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(variable) => {
                registered.push_str(&format!("/:param{variables}"));
                named.push_str("/:");
                named.push_str(variable);
                variables += 1;
            }
            None => {
                registered.push('/');
                registered.push_str(segment);
                named.push('/');
                named.push_str(segment);
            }
        }
    }
    (registered, named)
}

/// Calls `endpoint` and records how long it took, successful or not.
pub async fn measure<E: Endpoint>(
    endpoint: Arc<E>,
    req: Request,
    routes: Arc<RouteNames>,
) -> poem::Result<Response> {
    let start = Instant::now();
    let method = method_label(req.method());
    let result = endpoint.call(req).await.map(IntoResponse::into_response);
    let (status, pattern) = match &result {
        Ok(response) => (response.status(), response.data::<PathPattern>()),
        Err(error) => (error.status(), error.data::<PathPattern>()),
    };
    let route = routes.label(pattern);
    metrics::histogram!(
        HTTP_REQUEST_DURATION,
        "route" => route,
        "method" => method,
        "status" => status_label(status),
    )
    .record(start.elapsed().as_secs_f64());
    result
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The status code as a static string, from a table built once.
fn status_label(status: StatusCode) -> &'static str {
    static CODES: OnceLock<Vec<String>> = OnceLock::new();
    let codes = CODES.get_or_init(|| (100..1000).map(|code: u16| code.to_string()).collect());
    usize::from(status.as_u16())
        .checked_sub(100)
        .and_then(|index| codes.get(index))
        .map_or("other", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_variables_get_their_documented_names() {
        let (registered, named) = templates("/api/v1/sales/{productId}/purchases/{x}");
        assert_eq!(registered, "/api/v1/sales/:param0/purchases/:param1");
        assert_eq!(named, "/api/v1/sales/:productId/purchases/:x");
    }

    #[test]
    fn status_labels_are_the_codes() {
        assert_eq!(status_label(StatusCode::ACCEPTED), "202");
        assert_eq!(status_label(StatusCode::TOO_MANY_REQUESTS), "429");
        assert_eq!(
            status_label(StatusCode::from_u16(999).expect("valid")),
            "999"
        );
    }

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::CONNECT), "other");
    }
}
