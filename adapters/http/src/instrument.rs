//! Times every request: `flashsale_http_request_duration_seconds{route, method, status}`.
//!
//! `route` is the matched route template (`/api/v1/sales/:productId/purchases`), never the raw
//! path, so ids cannot blow up the label set; a request no route matched is `unmatched`. The
//! labels are shared or static strings: no allocation per request beyond the metrics key. The
//! documented names of path variables come from the [`RouteTable`].

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use poem::http::{Method, StatusCode};
use poem::{Endpoint, IntoResponse, PathPattern, Request, Response};

use crate::routes::RouteTable;

/// The histogram's name (described in `docs/metrics.md`).
pub const HTTP_REQUEST_DURATION: &str = "flashsale_http_request_duration_seconds";

/// Calls `endpoint` and records how long it took, successful or not.
pub async fn measure<E: Endpoint>(
    endpoint: Arc<E>,
    req: Request,
    routes: Arc<RouteTable>,
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
