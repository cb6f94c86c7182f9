//! A fake Redis for the connection tests: it speaks just enough RESP for a client to connect,
//! load scripts and send commands, counts what it receives, and can drop its connections.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A running fake server.
pub struct FakeRedis {
    url: String,
    seen: Arc<Seen>,
    listener: JoinHandle<()>,
}

/// What the server received.
#[derive(Default)]
struct Seen {
    accepted: AtomicUsize,
    commands: Mutex<Vec<String>>,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

impl FakeRedis {
    /// Listens on a free loopback port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("redis://{}/", listener.local_addr().unwrap());
        let seen = Arc::new(Seen::default());
        let accepting = seen.clone();
        let listener = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accepting.accepted.fetch_add(1, Ordering::SeqCst);
                let serving = tokio::spawn(serve(stream, accepting.clone()));
                accepting.connections.lock().unwrap().push(serving);
            }
        });
        Self {
            url,
            seen,
            listener,
        }
    }

    /// `redis://127.0.0.1:port/`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.seen.accepted.load(Ordering::SeqCst)
    }

    /// How many commands named `name` (upper case) were received.
    pub fn count(&self, name: &str) -> usize {
        let commands = self.seen.commands.lock().unwrap();
        commands.iter().filter(|c| c.as_str() == name).count()
    }

    /// Closes every open connection; new ones are still accepted.
    pub fn drop_connections(&self) {
        for connection in self.seen.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    /// Stops listening and closes every connection.
    pub fn stop(&self) {
        self.listener.abort();
        self.drop_connections();
    }
}

impl Drop for FakeRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn serve(mut stream: TcpStream, seen: Arc<Seen>) {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    loop {
        while let Some((command, used)) = parse(&buffer) {
            buffer.drain(..used);
            let reply = reply(&command);
            let name = command.first().cloned().unwrap_or_default();
            seen.commands.lock().unwrap().push(name.to_uppercase());
            if stream.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The answer to one command: `FAIL` gets an error reply, `SCRIPT LOAD` the script's hash.
fn reply(command: &[String]) -> String {
    let name = command
        .first()
        .map(|n| n.to_uppercase())
        .unwrap_or_default();
    match name.as_str() {
        "PING" => "+PONG\r\n".to_owned(),
        "FAIL" => "-ERR failing on purpose\r\n".to_owned(),
        "SCRIPT" => {
            let source = command.get(2).cloned().unwrap_or_default();
            let hash = redis::Script::new(&source).get_hash().to_owned();
            format!("${}\r\n{hash}\r\n", hash.len())
        }
        _ => "+OK\r\n".to_owned(),
    }
}

/// One RESP array of bulk strings from the start of `input`, and the bytes it took.
fn parse(input: &[u8]) -> Option<(Vec<String>, usize)> {
    let (count, mut at) = line(input, 0, b'*')?;
    let mut parts = Vec::new();
    for _ in 0..count {
        let (len, start) = line(input, at, b'$')?;
        let end = start + len;
        let part = input.get(start..end)?;
        input.get(end..end + 2)?;
        parts.push(String::from_utf8_lossy(part).into_owned());
        at = end + 2;
    }
    Some((parts, at))
}

/// A `<marker><number>\r\n` line at `at`: the number and where the next line starts.
fn line(input: &[u8], at: usize, marker: u8) -> Option<(usize, usize)> {
    if *input.get(at)? != marker {
        return None;
    }
    let rest = input.get(at + 1..)?;
    let end = rest.windows(2).position(|w| w == b"\r\n")?;
    let number = std::str::from_utf8(&rest[..end]).ok()?.parse().ok()?;
    Some((number, at + 1 + end + 2))
}
