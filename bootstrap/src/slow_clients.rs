//! Bounds slow clients. poem runs hyper without a timer, so hyper's own header-read timeout is
//! off and a client trickling a request (or opening a connection and sending nothing) would hold
//! its connection forever. Each accepted connection is therefore given a deadline: from accept,
//! and again from each response, the next response must start within `limit`, or the connection
//! is closed. This bounds slow headers, slow bodies and idle keep-alive connections alike;
//! handlers answer well within it (their dependencies time out first). Large headers need nothing
//! here: the HTTP adapter's edge answers `431` problem+json past 32 KiB, and hyper answers `431`
//! itself once they pass its buffer limit (about 400 KB).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{sleep, Sleep};

/// How long a connection may go without a response starting.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// An acceptor whose connections are closed when no response starts within `limit`.
pub struct RequestDeadline<A> {
    inner: A,
    limit: Duration,
}

impl<A> RequestDeadline<A> {
    /// Wraps `inner`.
    pub fn new(inner: A, limit: Duration) -> Self {
        Self { inner, limit }
    }
}

impl<A: Acceptor> Acceptor for RequestDeadline<A> {
    type Io = DeadlineIo<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        let io = DeadlineIo {
            inner: io,
            limit: self.limit,
            deadline: Box::pin(sleep(self.limit)),
        };
        Ok((io, local, remote, scheme))
    }
}

/// A connection that fails its reads once its deadline has passed without a response.
pub struct DeadlineIo<T> {
    inner: T,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<T: AsyncRead + Unpin> AsyncRead for DeadlineIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "no complete request within the deadline",
                ))),
                Poll::Pending => Poll::Pending,
            },
            ready => ready,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for DeadlineIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            let next = tokio::time::Instant::now() + this.limit;
            this.deadline.as_mut().reset(next);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
