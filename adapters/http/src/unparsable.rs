//! Problem details for requests hyper cannot parse. hyper answers such a request itself, before
//! any endpoint sees it (a malformed request line or header, more than 100 headers, headers past
//! its read buffer, a target past 64 KB): a `400`, `431` or `414` head with `content-length: 0`
//! and no body, then it closes the connection. The service never answers a 4xx without a body,
//! so the connections of [`ProblemsForUnparsable`] recognise that head when it is written and
//! send a problem+json response with the same status in its place, with an `X-Request-Id` and
//! `instance` like every other problem.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use poem_openapi::types::ToJSON;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::problem::{Problem, ProblemType, PROBLEM_JSON};
use crate::request_id::HttpRequestId;

/// An acceptor whose connections answer hyper's own parse-error responses as problems.
pub struct ProblemsForUnparsable<A> {
    inner: A,
}

impl<A> ProblemsForUnparsable<A> {
    /// Wraps `inner`.
    pub fn new(inner: A) -> Self {
        Self { inner }
    }
}

impl<A: Acceptor> Acceptor for ProblemsForUnparsable<A> {
    type Io = ProblemIo<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        let io = ProblemIo {
            inner: io,
            replacement: None,
        };
        Ok((io, local, remote, scheme))
    }
}

/// A connection that writes a problem response in place of hyper's empty parse-error answer.
pub struct ProblemIo<T> {
    inner: T,
    /// The problem response still to write, and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
}

impl<T: AsyncWrite + Unpin> ProblemIo<T> {
    /// Writes what is left of the replacement; ready once none is left.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written == bytes.len() {
                self.replacement = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.drain(cx))?;
        if let Some(kind) = parse_error_answer(data) {
            this.replacement = Some((problem_response(kind), 0));
            // What is not written now is written by the flush hyper sends next.
            if let Poll::Ready(Err(e)) = this.drain(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(data.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The problem type of hyper's parse-error answer, when `data` is exactly one: a whole
/// response head of status 400, 414 or 431 that says `content-length: 0` and names no content
/// type.
fn parse_error_answer(data: &[u8]) -> Option<ProblemType> {
    let kind = match data.get(..13)? {
        b"HTTP/1.1 400 " | b"HTTP/1.0 400 " => ProblemType::BadRequest,
        b"HTTP/1.1 414 " | b"HTTP/1.0 414 " => ProblemType::UriTooLong,
        b"HTTP/1.1 431 " | b"HTTP/1.0 431 " => ProblemType::HeadersTooLarge,
        _ => return None,
    };
    let head = std::str::from_utf8(data).ok()?.to_ascii_lowercase();
    let whole_head = head.ends_with("\r\n\r\n") && head.matches("\r\n\r\n").count() == 1;
    (whole_head && head.contains("\r\ncontent-length: 0\r\n") && !head.contains("content-type"))
        .then_some(kind)
}

/// A complete `Connection: close` response carrying the problem of `kind`.
fn problem_response(kind: ProblemType) -> Vec<u8> {
    let detail = match kind {
        ProblemType::UriTooLong => {
            "The request target is longer than the server can read; nothing was done."
        }
        ProblemType::HeadersTooLarge => {
            "The request has more or larger headers than the server can read; nothing was done."
        }
        _ => "The request is not valid HTTP/1.1 (a malformed request line or header); nothing was done.",
    };
    let id = HttpRequestId::generate();
    let mut problem = Problem::new(kind, detail);
    problem.instance = Some(id.instance());
    let body = problem.to_json_string();
    tracing::debug!(request_id = %id, status = problem.status, "answered an unparsable request");
    let (status, _) = kind.status_and_title();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n\
         x-request-id: {id}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const HYPER_400: &[u8] =
        b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Wed, 02 Dec 2026 03:00:00 GMT\r\n\r\n";

    async fn written_through(data: &[u8]) -> String {
        let (near, mut far) = tokio::io::duplex(64);
        let mut io = ProblemIo {
            inner: near,
            replacement: None,
        };
        let data = data.to_vec();
        let writer = tokio::spawn(async move {
            io.write_all(&data).await.unwrap();
            io.shutdown().await.unwrap();
        });
        let mut out = String::new();
        far.read_to_string(&mut out).await.unwrap();
        writer.await.unwrap();
        out
    }

    #[tokio::test]
    async fn hypers_empty_400_becomes_a_bad_request_problem() {
        let out = written_through(HYPER_400).await;
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
        assert!(
            out.contains("content-type: application/problem+json\r\n"),
            "{out}"
        );
        assert!(
            out.contains("\"urn:flashsale:problem:bad-request\""),
            "{out}"
        );
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(
            head.contains(&format!("content-length: {}\r\n", body.len())),
            "{out}"
        );
        let id = head
            .split("x-request-id: ")
            .nth(1)
            .unwrap()
            .split("\r\n")
            .next()
            .unwrap();
        assert!(
            body.contains(&format!("\"urn:flashsale:request:{id}\"")),
            "{out}"
        );
    }

    #[tokio::test]
    async fn hypers_414_and_431_keep_their_status() {
        let out = written_through(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").await;
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(
            out.contains("\"urn:flashsale:problem:uri-too-long\""),
            "{out}"
        );
        let out = written_through(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
        )
        .await;
        assert!(
            out.contains("\"urn:flashsale:problem:headers-too-large\""),
            "{out}"
        );
    }

    #[tokio::test]
    async fn the_services_own_answers_pass_unchanged() {
        for answer in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/problem+json\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
            b"{\"status\":400}",
        ] {
            assert_eq!(written_through(answer).await.as_bytes(), answer);
        }
    }

    #[test]
    fn only_a_whole_empty_head_of_400_414_or_431_is_hypers() {
        assert_eq!(parse_error_answer(HYPER_400), Some(ProblemType::BadRequest));
        assert_eq!(
            parse_error_answer(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n"),
            None
        );
        assert_eq!(
            parse_error_answer(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"),
            None
        );
        assert_eq!(parse_error_answer(b"HTTP/1.1 400"), None);
    }
}
