//! A TCP proxy that injects network faults between a client under test and its server.
//!
//! [`FaultProxy::start`] listens on `127.0.0.1:0` and forwards every connection to an upstream
//! `host:port`. A test switches the fault at run time through a cloneable [`FaultHandle`]:
//!
//! | [`Fault`]                  | effect on open and new connections                               |
//! |----------------------------|------------------------------------------------------------------|
//! | `None`                     | bytes pass unchanged                                             |
//! | `Latency(d)`               | each chunk read waits `d` before it is written, both directions  |
//! | `Blackhole`                | nothing is forwarded, nothing is closed (bytes are held, as TCP  |
//! |                            | would retransmit them, and delivered once healed)                |
//! | `Cut(direction)`           | like `Blackhole`, in one direction only                          |
//! | `Reset`                    | every open connection is closed with RST; new ones are accepted  |
//! |                            | and reset at once (the client sees "connection reset")           |
//!
//! A fault can also be armed to switch on when given bytes pass ([`FaultHandle::arm`]), e.g.
//! cut the answers right after a client's `COMMIT` went through: the server commits, the
//! client never hears.
//!
//! The proxy can start before its upstream is known ([`FaultProxy::unbound`]) and be re-pointed
//! with [`FaultHandle::set_upstream`]; connections with no upstream are reset. Dropping the
//! [`FaultProxy`] resets every connection and stops listening.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Bytes read per chunk; latency applies per chunk.
const CHUNK: usize = 16 * 1024;

/// One direction of a proxied connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client to server: requests.
    ToUpstream,
    /// Server to client: answers.
    ToClient,
}

/// The fault the proxy applies now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// Forward unchanged.
    #[default]
    None,
    /// Delay every chunk by this long before writing it, in both directions.
    Latency(Duration),
    /// Forward nothing in either direction; keep every connection open.
    Blackhole,
    /// Forward nothing in this direction; keep every connection open.
    Cut(Direction),
    /// Reset every connection, open or new.
    Reset,
}

impl Fault {
    /// Whether bytes going `direction` are held back.
    fn holds(self, direction: Direction) -> bool {
        match self {
            Self::Blackhole => true,
            Self::Cut(cut) => cut == direction,
            Self::None | Self::Latency(_) | Self::Reset => false,
        }
    }
}

/// A fault to switch on once bytes containing `pattern` were forwarded in `direction`.
#[derive(Debug, Clone)]
struct Trigger {
    direction: Direction,
    pattern: Vec<u8>,
    then: Fault,
}

/// What the handles share with the proxy's tasks.
#[derive(Debug)]
struct Shared {
    fault: watch::Sender<Fault>,
    upstream: RwLock<Option<String>>,
    trigger: Mutex<Option<Trigger>>,
    accepted: AtomicU64,
}

/// Switches the faults of one [`FaultProxy`]; cheap to clone and usable from any task.
#[derive(Debug, Clone)]
pub struct FaultHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
}

impl FaultHandle {
    /// Applies `fault` to open and new connections from now on.
    pub fn set(&self, fault: Fault) {
        self.shared.fault.send_replace(fault);
    }

    /// Back to forwarding unchanged; held bytes are delivered.
    pub fn heal(&self) {
        self.set(Fault::None);
    }

    /// Delays every chunk by `delay`, both directions.
    pub fn latency(&self, delay: Duration) {
        self.set(Fault::Latency(delay));
    }

    /// Stops forwarding in both directions without closing anything.
    pub fn blackhole(&self) {
        self.set(Fault::Blackhole);
    }

    /// Stops forwarding in one direction without closing anything.
    pub fn cut(&self, direction: Direction) {
        self.set(Fault::Cut(direction));
    }

    /// Resets every open connection and every new one until healed.
    pub fn reset(&self) {
        self.set(Fault::Reset);
    }

    /// Switches to `then` once a chunk containing `pattern` has been forwarded in `direction`
    /// (that chunk passes; the fault applies from the next byte on). One shot; replaces an
    /// armed trigger. A pattern split across two reads is not seen.
    pub fn arm(&self, direction: Direction, pattern: impl Into<Vec<u8>>, then: Fault) {
        *lock(&self.shared.trigger) = Some(Trigger {
            direction,
            pattern: pattern.into(),
            then,
        });
    }

    /// Whether an armed trigger has not fired yet.
    pub fn armed(&self) -> bool {
        lock(&self.shared.trigger).is_some()
    }

    /// Fires the armed trigger if `chunk`, just forwarded in `direction`, contains its pattern.
    fn passed(&self, direction: Direction, chunk: &[u8]) {
        let mut trigger = lock(&self.shared.trigger);
        let fires = trigger.as_ref().is_some_and(|t| {
            t.direction == direction
                && !t.pattern.is_empty()
                && chunk.windows(t.pattern.len()).any(|w| w == t.pattern)
        });
        if let Some(fired) = trigger.take_if(|_| fires) {
            self.set(fired.then);
        }
    }

    /// The fault in force.
    pub fn fault(&self) -> Fault {
        *self.shared.fault.borrow()
    }

    /// Forwards new connections to `upstream` (`host:port`); open ones keep their server.
    pub fn set_upstream(&self, upstream: impl Into<String>) {
        let mut slot = match self.shared.upstream.write() {
            Ok(slot) => slot,
            Err(poisoned) => poisoned.into_inner(),
        };
        *slot = Some(upstream.into());
    }

    /// The address clients dial: `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections the proxy has accepted so far.
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::Relaxed)
    }

    fn upstream(&self) -> Option<String> {
        match self.shared.upstream.read() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// A running proxy; dropping it resets its connections and closes its port.
#[derive(Debug)]
pub struct FaultProxy {
    handle: FaultHandle,
    listener: JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on `127.0.0.1:0` and forwards to `upstream` (`host:port`). Its tasks run on the
    /// calling runtime.
    pub async fn start(upstream: impl Into<String>) -> std::io::Result<Self> {
        let proxy = Self::unbound().await?;
        proxy.handle.set_upstream(upstream);
        Ok(proxy)
    }

    /// Listens on `127.0.0.1:0` with no upstream yet: connections are reset until
    /// [`FaultHandle::set_upstream`] names one.
    pub async fn unbound() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let (fault, _) = watch::channel(Fault::None);
        let handle = FaultHandle {
            shared: Arc::new(Shared {
                fault,
                upstream: RwLock::new(None),
                trigger: Mutex::new(None),
                accepted: AtomicU64::new(0),
            }),
            addr: listener.local_addr()?,
        };
        let listener = tokio::spawn(accept_loop(listener, handle.clone()));
        Ok(Self { handle, listener })
    }

    /// A handle that switches this proxy's faults.
    pub fn handle(&self) -> FaultHandle {
        self.handle.clone()
    }

    /// The address clients dial: `127.0.0.1:port`.
    pub fn addr(&self) -> SocketAddr {
        self.handle.addr
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.listener.abort();
        self.handle.reset();
    }
}

async fn accept_loop(listener: TcpListener, handle: FaultHandle) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            // Out of descriptors or similar: try again shortly rather than stop serving.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        handle.shared.accepted.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(serve(client, handle.clone()));
    }
}

/// Forwards one connection until either side closes or an error or a reset ends it.
async fn serve(mut client: TcpStream, handle: FaultHandle) {
    let mut faults = handle.shared.fault.subscribe();
    if *faults.borrow_and_update() == Fault::Reset {
        return abort(&client);
    }
    let upstream = match handle.upstream() {
        Some(address) => TcpStream::connect(address).await,
        None => Err(std::io::ErrorKind::NotConnected.into()),
    };
    let Ok(mut upstream) = upstream else {
        return abort(&client);
    };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (to_upstream, to_client) = (faults.clone(), faults.clone());
    let reset = {
        let (client_read, client_write) = client.split();
        let (upstream_read, upstream_write) = upstream.split();
        let both = async move {
            tokio::try_join!(
                pump(
                    client_read,
                    upstream_write,
                    Direction::ToUpstream,
                    to_upstream,
                    &handle
                ),
                pump(
                    upstream_read,
                    client_write,
                    Direction::ToClient,
                    to_client,
                    &handle
                ),
            )
        };
        tokio::select! {
            outcome = both => outcome.is_err(),
            _ = faults.wait_for(|fault| *fault == Fault::Reset) => true,
        }
    };
    if reset {
        abort(&client);
        abort(&upstream);
    }
}

/// Makes the coming close an RST rather than a FIN.
fn abort(stream: &TcpStream) {
    let _ = stream.set_zero_linger();
}

/// Copies `from` to `to` chunk by chunk under the fault in force; on EOF shuts `to` down.
async fn pump(
    mut from: impl AsyncReadExt + Unpin,
    mut to: impl AsyncWriteExt + Unpin,
    direction: Direction,
    mut faults: watch::Receiver<Fault>,
    handle: &FaultHandle,
) -> std::io::Result<()> {
    let mut buffer = vec![0; CHUNK];
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }
        // Held bytes wait for a fault that lets them pass (a reset ends the whole connection).
        let fault = *faults
            .wait_for(|fault| !fault.holds(direction))
            .await
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        if let Fault::Latency(delay) = fault {
            tokio::time::sleep(delay).await;
        }
        to.write_all(&buffer[..read]).await?;
        handle.passed(direction, &buffer[..read]);
    }
}
