//! The `flashsale` binary run as a child process in the embedded profile, on a free port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_flashsale");

/// The running service and its `host:port`; killed when dropped.
pub struct Service {
    child: Child,
    pub address: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// Kills the process with SIGKILL (no chance to stop cleanly) and waits until it is gone.
    #[allow(dead_code)] // not every test binary that shares this module kills the service
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL is sent");
        self.child.wait().expect("waits");
    }

    /// Sends SIGTERM and waits until the process exits.
    #[allow(dead_code)] // not every test binary that shares this module stops the service so
    pub fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success(), "kill -TERM {pid}");
        self.child.wait().expect("waits")
    }
}

/// Starts the binary with the built-in defaults plus `env`, and waits until it listens. Its
/// system of record is in memory unless `env` says otherwise (tests run side by side and must
/// not share a database file).
pub fn start(env: &[(&str, &str)]) -> Service {
    let mut child = Command::new(BIN)
        .env("FLASHSALE__HTTP__BIND", "127.0.0.1:0")
        .env("FLASHSALE__LOG__FORMAT", "json")
        .env("FLASHSALE_CONFIG_DIR", "/nonexistent")
        .env("FLASHSALE__EMBEDDED__STORAGE", "memory")
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().expect("a log line").expect("readable");
        if let Some(at) = line.find("listening on http://") {
            let rest = &line[at + "listening on http://".len()..];
            break rest
                .split([' ', '"', '/'])
                .next()
                .expect("address")
                .to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Service { child, address }
}
