//! Host ports for the published container ports.
//!
//! The stack asks the kernel for a free port instead of letting Docker choose, so that
//! the port is known before the container starts (Kafka must advertise it) and stays the
//! same when a fault test stops and starts a container. Another process could take the
//! port between the probe and `docker run`; the caller retries with a new port then.

use std::net::TcpListener;

/// A port that was free on the loopback interface a moment ago.
pub(crate) fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    Ok(listener.local_addr()?.port())
}

/// True when Docker's error says the host port was taken meanwhile.
pub(crate) fn is_port_clash(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    reason.contains("port is already allocated") || reason.contains("address already in use")
}
