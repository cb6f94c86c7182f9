//! Bounds request bodies: a declared `Content-Length` above the limit is refused at once, and a
//! body of undeclared length (chunked) is read up to the limit only. Either way the client gets `413`.

use std::sync::Arc;

use poem::http::{header, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};

/// Calls `endpoint` only with bodies of at most `limit` bytes.
pub async fn limit_body<E: Endpoint>(
    endpoint: Arc<E>,
    mut req: Request,
    limit: usize,
) -> poem::Result<Response> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => {
            return Err(poem::Error::from_string(
                format!("The body must be at most {limit} bytes."),
                StatusCode::PAYLOAD_TOO_LARGE,
            ));
        }
        Some(_) => {}
        None => {
            let body = req.take_body().into_bytes_limit(limit).await?;
            req.set_body(body);
        }
    }
    endpoint.call(req).await.map(IntoResponse::into_response)
}
