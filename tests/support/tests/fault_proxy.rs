//! The fault proxy against a local echo server: each fault does what it says, and healing
//! brings the connection back.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use flashsale_test_support::{Direction, Fault, FaultProxy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// How long "nothing arrives" is watched for.
const QUIET: Duration = Duration::from_millis(300);
/// A guard against hanging when something should arrive.
const PATIENCE: Duration = Duration::from_secs(5);

/// An echo server that also reports every chunk it receives.
async fn echo_server() -> (String, mpsc::UnboundedReceiver<Vec<u8>>) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (seen, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buffer = [0; 1024];
                while let Ok(n) = socket.read(&mut buffer).await {
                    if n == 0 {
                        return;
                    }
                    let _ = seen.send(buffer[..n].to_vec());
                    if socket.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (address, received)
}

async fn read_exact(stream: &mut TcpStream, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buffer = vec![0; len];
    tokio::time::timeout(PATIENCE, stream.read_exact(&mut buffer))
        .await
        .map_err(|_| std::io::Error::from(ErrorKind::TimedOut))??;
    Ok(buffer)
}

/// True when nothing can be read for [`QUIET`] and the connection is still open.
async fn silent(stream: &mut TcpStream) -> bool {
    let mut byte = [0; 1];
    tokio::time::timeout(QUIET, stream.read(&mut byte))
        .await
        .is_err()
}

async fn round_trip(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream.write_all(message).await.unwrap();
    read_exact(stream, message.len()).await.unwrap()
}

#[tokio::test]
async fn without_a_fault_bytes_pass_both_ways() {
    let (upstream, _) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"hello").await, b"hello");
    assert_eq!(proxy.handle().accepted(), 1);
}

#[tokio::test]
async fn latency_delays_each_direction() {
    let (upstream, _) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    let delay = Duration::from_millis(150);
    proxy.handle().latency(delay);
    let started = Instant::now();
    assert_eq!(round_trip(&mut client, b"slow").await, b"slow");
    // The request and the answer each waited: a lower bound, not a speed measurement.
    assert!(started.elapsed() >= 2 * delay, "{:?}", started.elapsed());
    proxy.handle().heal();
    assert_eq!(round_trip(&mut client, b"fast").await, b"fast");
}

#[tokio::test]
async fn a_blackhole_holds_bytes_without_closing_and_delivers_them_once_healed() {
    let (upstream, mut received) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"before").await, b"before");
    received.recv().await.unwrap();

    proxy.handle().blackhole();
    client.write_all(b"held").await.unwrap();
    assert!(
        silent(&mut client).await,
        "an answer came through the blackhole"
    );
    assert!(received.try_recv().is_err(), "the request came through");

    proxy.handle().heal();
    assert_eq!(read_exact(&mut client, 4).await.unwrap(), b"held");
}

#[tokio::test]
async fn cutting_answers_lets_requests_reach_the_server() {
    let (upstream, mut received) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"x").await, b"x");
    received.recv().await.unwrap();

    proxy.handle().cut(Direction::ToClient);
    client.write_all(b"request").await.unwrap();
    let seen = tokio::time::timeout(PATIENCE, received.recv())
        .await
        .unwrap();
    assert_eq!(seen.unwrap(), b"request", "the server got the request");
    assert!(silent(&mut client).await, "the answer came through the cut");

    proxy.handle().heal();
    assert_eq!(read_exact(&mut client, 7).await.unwrap(), b"request");
}

#[tokio::test]
async fn cutting_requests_keeps_them_from_the_server_until_healed() {
    let (upstream, mut received) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"x").await, b"x");
    received.recv().await.unwrap();

    proxy.handle().cut(Direction::ToUpstream);
    client.write_all(b"request").await.unwrap();
    let seen = tokio::time::timeout(QUIET, received.recv()).await;
    assert!(seen.is_err(), "the request came through the cut: {seen:?}");

    proxy.handle().heal();
    assert_eq!(read_exact(&mut client, 7).await.unwrap(), b"request");
}

#[tokio::test]
async fn a_reset_closes_open_connections_and_refuses_new_ones_until_healed() {
    let (upstream, _) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut open = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut open, b"x").await, b"x");

    proxy.handle().reset();
    let error = read_exact(&mut open, 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    let mut new = TcpStream::connect(proxy.addr()).await.unwrap();
    let error = read_exact(&mut new, 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");

    proxy.handle().heal();
    let mut again = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut again, b"z").await, b"z");
}

#[tokio::test]
async fn a_proxy_started_before_its_upstream_resets_until_pointed_at_one() {
    let proxy = FaultProxy::unbound().await.unwrap();
    let mut early = TcpStream::connect(proxy.addr()).await.unwrap();
    let error = read_exact(&mut early, 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");

    let (upstream, _) = echo_server().await;
    proxy.handle().set_upstream(upstream);
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"now").await, b"now");
}

#[tokio::test]
async fn dropping_the_proxy_resets_its_connections() {
    let (upstream, _) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    assert_eq!(round_trip(&mut client, b"x").await, b"x");
    drop(proxy);
    let error = read_exact(&mut client, 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
}

#[tokio::test]
async fn an_armed_fault_switches_on_once_its_bytes_went_through() {
    let (upstream, mut received) = echo_server().await;
    let proxy = FaultProxy::start(upstream).await.unwrap();
    let handle = proxy.handle();
    let mut client = TcpStream::connect(proxy.addr()).await.unwrap();
    handle.arm(
        Direction::ToUpstream,
        b"COMMIT".to_vec(),
        Fault::Cut(Direction::ToClient),
    );
    assert_eq!(round_trip(&mut client, b"INSERT").await, b"INSERT");
    assert!(handle.armed(), "other bytes do not fire it");
    received.recv().await.unwrap();

    client.write_all(b"COMMIT").await.unwrap();
    let seen = tokio::time::timeout(PATIENCE, received.recv())
        .await
        .unwrap();
    assert_eq!(seen.unwrap(), b"COMMIT", "the server got the commit");
    assert!(silent(&mut client).await, "the answer came through");
    assert_eq!(handle.fault(), Fault::Cut(Direction::ToClient));
    assert!(!handle.armed(), "one shot");
}
