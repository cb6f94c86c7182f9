//! Abusive connections against the real binary (embedded profile), over raw TCP: a megabyte of
//! headers is refused at once, a client trickling its headers or idling is cut off within the
//! request deadline, and neither delays an honest client meanwhile. Headers and URIs over the
//! server's own limits (below hyper's), and what hyper cannot parse at all, are refused with
//! problem details.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

mod embedded_binary;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use embedded_binary::start;
use flashsale::slow_clients::REQUEST_DEADLINE;

/// An honest request on a fresh connection; returns the status line and how long it took.
fn honest_request(address: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status).unwrap();
    (status.trim().to_owned(), started.elapsed())
}

/// Whether the server has closed `stream` (EOF or reset); waits up to the read timeout.
fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1024];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(_) => true,
    }
}

#[test]
fn a_megabyte_of_headers_is_refused_at_once() {
    let service = start(&[]);
    let started = Instant::now();
    let mut stream = TcpStream::connect(&service.address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: test\r\n".to_vec();
    for n in 0..1_024 {
        request.extend_from_slice(format!("x-pad-{n}: {}\r\n", "a".repeat(1_000)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    // The server may close while we still write: that is a refusal too.
    let _ = stream.write_all(&request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(honest_request(&service.address).0, "HTTP/1.1 200 OK");
}

/// Sends `request` on a fresh connection and reads the whole answer (the server closes).
fn exchange(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Whether `answer` is a problem+json response with this status line and problem type.
fn is_problem(answer: &str, status_line: &str, kind: &str) -> bool {
    let lower = answer.to_ascii_lowercase();
    answer.starts_with(status_line)
        && lower.contains("content-type: application/problem+json")
        && lower.contains("x-request-id: ")
        && answer.contains(&format!("\"urn:flashsale:problem:{kind}\""))
}

#[test]
fn headers_over_the_servers_limit_but_under_hypers_are_a_431_problem() {
    let service = start(&[]);
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n".to_vec();
    for n in 0..40 {
        request.extend_from_slice(format!("x-pad-{n}: {}\r\n", "a".repeat(1_000)).as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let answer = exchange(&service.address, &request);
    assert!(
        is_problem(&answer, "HTTP/1.1 431", "headers-too-large"),
        "{answer}"
    );
}

#[test]
fn what_hyper_cannot_parse_is_a_problem_too() {
    let service = start(&[]);
    let answer = exchange(
        &service.address,
        b"GET /healthz HTTP/1.1 extra\r\nHost: test\r\n\r\n",
    );
    assert!(
        is_problem(&answer, "HTTP/1.1 400", "bad-request"),
        "{answer}"
    );
    let answer = exchange(
        &service.address,
        b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
    );
    assert!(
        is_problem(&answer, "HTTP/1.1 400", "bad-request"),
        "{answer}"
    );
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: test\r\n".to_vec();
    for n in 0..120 {
        request.extend_from_slice(format!("x-h-{n}: 1\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let answer = exchange(&service.address, &request);
    assert!(
        is_problem(&answer, "HTTP/1.1 431", "headers-too-large"),
        "{answer}"
    );
    assert_eq!(honest_request(&service.address).0, "HTTP/1.1 200 OK");
}

#[test]
fn an_overlong_uri_is_a_414_problem() {
    let service = start(&[]);
    let request = format!(
        "GET /api/v1/sales?pad={} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
        "x".repeat(10_000)
    );
    let answer = exchange(&service.address, request.as_bytes());
    assert!(
        is_problem(&answer, "HTTP/1.1 414", "uri-too-long"),
        "{answer}"
    );
}

#[test]
fn a_client_trickling_its_headers_is_cut_off_within_the_deadline_and_delays_nobody() {
    let service = start(&[]);
    // Many idle connections that never send a byte, and one that trickles a header a second.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&service.address).expect("connects"))
        .collect();
    let started = Instant::now();
    let mut slow = TcpStream::connect(&service.address).expect("connects");
    slow.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n")
        .unwrap();
    let mut line = 0;
    let cut_off = loop {
        let (status, took) = honest_request(&service.address);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(
            took < Duration::from_secs(1),
            "an honest client waited {took:?}"
        );
        line += 1;
        let wrote = slow.write_all(format!("x-slow-{line}: a\r\n").as_bytes());
        if wrote.is_err() || closed(&mut slow) {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < REQUEST_DEADLINE + Duration::from_secs(10),
            "the trickling client is still connected after {:?}",
            started.elapsed()
        );
    };
    assert!(
        cut_off >= REQUEST_DEADLINE - Duration::from_secs(1),
        "cut off after {cut_off:?}, before its deadline"
    );
    for mut stream in idle {
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        assert!(closed(&mut stream), "an idle connection is still open");
    }
}
