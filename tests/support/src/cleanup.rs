//! Removal of the containers when the test binary ends.
//!
//! Rust never drops statics, so the containers of the shared stack (held in a static)
//! would outlive the test binary, and an `atexit` hook misses panics that abort, signals
//! and `SIGKILL`. Instead every container carries the label
//! `flashsale.test-session=<pid>-<start time>`, and before the first container is created a
//! small watchdog process is started: `sh` blocked reading a pipe whose only writer is
//! this process. The kernel closes that pipe however the process ends (normal exit,
//! panic, Ctrl-C, `SIGKILL`), the watchdog's read returns, and it removes every container
//! with the session label (`docker rm -f -v`), then every network with it (those the Kafka
//! cluster's nodes share). The watchdog runs in its own process group
//! so Ctrl-C in the terminal does not kill it first. It needs the `docker` CLI on `PATH`.
//!
//! `FLASHSALE_KEEP_CONTAINERS=1` leaves the containers running for inspection; remove
//! them later with `docker rm -f $(docker ps -aq --filter label=flashsale.test-session)` and
//! `docker network rm $(docker network ls -q --filter label=flashsale.test-session)`.

use std::os::unix::process::CommandExt;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::flag;
use crate::{StackError, ENV_KEEP_CONTAINERS};

/// Label carried by every container of this test process.
pub const SESSION_LABEL: &str = "flashsale.test-session";
/// Label naming the server a container runs (`redis`, `mariadb`, `kafka`).
pub const SERVICE_LABEL: &str = "flashsale.service";

/// Waits for the pipe to close, then sweeps twice: the second sweep catches a container
/// whose creation was still in flight in the daemon when the process ended.
const WATCHDOG_SCRIPT: &str = r#"
cat >/dev/null
sweep() {
    ids=$(docker ps -aq --filter "label=$1")
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1
    nets=$(docker network ls -q --filter "label=$1")
    [ -z "$nets" ] || docker network rm $nets >/dev/null 2>&1
}
sweep "$1"
sleep 3
sweep "$1"
"#;

static SESSION: OnceLock<String> = OnceLock::new();
/// Write end of the watchdog's pipe, held (never written) until the process ends.
static WATCHDOG_PIPE: OnceLock<Mutex<ChildStdin>> = OnceLock::new();

/// The value of [`SESSION_LABEL`] for this process: its pid and start time.
pub fn session_id() -> &'static str {
    SESSION.get_or_init(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{}-{nanos}", std::process::id())
    })
}

/// Starts the watchdog once per process (no-op with `FLASHSALE_KEEP_CONTAINERS=1`).
pub(crate) fn arm() -> Result<(), StackError> {
    if flag(ENV_KEEP_CONTAINERS) || WATCHDOG_PIPE.get().is_some() {
        return Ok(());
    }
    let docker = Command::new("docker")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !matches!(docker, Ok(status) if status.success()) {
        return Err(StackError::Watchdog(
            "the `docker` CLI is not on PATH (it removes the containers when the tests end)"
                .to_owned(),
        ));
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG_SCRIPT)
        .arg("flashsale-test-watchdog")
        .arg(format!("{SESSION_LABEL}={}", session_id()))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| StackError::Watchdog(format!("cannot spawn sh: {e}")))?;
    let pipe = child
        .stdin
        .take()
        .ok_or_else(|| StackError::Watchdog("watchdog has no stdin pipe".to_owned()))?;
    // The child is not waited for: it outlives this process by design and is reaped by init.
    drop(child);
    // A concurrent caller may have armed one too; its pipe then closes at once and that
    // watchdog finds nothing to remove yet, which is harmless.
    let _ = WATCHDOG_PIPE.set(Mutex::new(pipe));
    Ok(())
}
