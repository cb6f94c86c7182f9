//! The `flashsale` binary run as a child process in the production profile, configured through
//! `FLASHSALE__…` variables from a [`Settings`] value, with its log lines at hand.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flashsale::Settings;

const BIN: &str = env!("CARGO_BIN_EXE_flashsale");

/// A running `flashsale` process; killed (SIGKILL) if still running when dropped.
pub struct Process {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

/// The environment that makes the binary use `settings` (those the tests change).
fn environment(settings: &Settings, role: &str) -> Vec<(&'static str, String)> {
    vec![
        ("FLASHSALE_PROFILE", "production".into()),
        ("FLASHSALE_CONFIG_DIR", "/nonexistent".into()),
        ("FLASHSALE__ROLE", role.into()),
        ("FLASHSALE__HTTP__BIND", settings.http.bind.clone()),
        (
            "FLASHSALE__HTTP__CLIENT_IP_HEADER",
            settings.http.client_ip_header.clone(),
        ),
        (
            "FLASHSALE__AUTH__TOKEN_SECRET",
            settings.auth.token_secret.expose().into(),
        ),
        (
            "FLASHSALE__PAYMENTS__WEBHOOK_SECRET",
            settings.payments.webhook_secret.expose().into(),
        ),
        ("FLASHSALE__REDIS__URL", settings.redis.url.expose().into()),
        (
            "FLASHSALE__REDIS__KEY_PREFIX",
            settings.redis.key_prefix.clone(),
        ),
        ("FLASHSALE__MYSQL__URL", settings.mysql.url.expose().into()),
        (
            "FLASHSALE__KAFKA__BOOTSTRAP_SERVERS",
            settings.kafka.bootstrap_servers.clone(),
        ),
        ("FLASHSALE__KAFKA__TOPIC", settings.kafka.topic.clone()),
        (
            "FLASHSALE__KAFKA__ORDER_EVENTS_TOPIC",
            settings.kafka.order_events_topic.clone(),
        ),
        (
            "FLASHSALE__ORDERS__EVENTS_RELAY_INTERVAL_MS",
            settings.orders.events_relay_interval_ms.to_string(),
        ),
        (
            "FLASHSALE__KAFKA__DEAD_LETTER_TOPIC",
            settings.kafka.dead_letter_topic.clone(),
        ),
        (
            "FLASHSALE__KAFKA__GROUP_ID",
            settings.kafka.group_id.clone(),
        ),
        (
            "FLASHSALE__KAFKA__GROUP_INSTANCE_ID",
            settings.kafka.group_instance_id.clone(),
        ),
        (
            "FLASHSALE__KAFKA__SESSION_TIMEOUT_MS",
            settings.kafka.session_timeout_ms.to_string(),
        ),
        (
            "FLASHSALE__KAFKA__PARTITIONS",
            settings.kafka.partitions.to_string(),
        ),
        (
            "FLASHSALE__KAFKA__DELIVERY_TIMEOUT_MS",
            settings.kafka.delivery_timeout_ms.to_string(),
        ),
        (
            "FLASHSALE__KAFKA__BATCH_WAIT_MS",
            settings.kafka.batch_wait_ms.to_string(),
        ),
        (
            "FLASHSALE__WORKER__BATCH_SIZE",
            settings.worker.batch_size.to_string(),
        ),
        (
            "FLASHSALE__WORKER__RETRY_BACKOFF_MS",
            settings.worker.retry_backoff_ms.to_string(),
        ),
        (
            "FLASHSALE__HTTP__MAX_IN_FLIGHT_REQUESTS",
            settings.http.max_in_flight_requests.to_string(),
        ),
        (
            "FLASHSALE__RATE_LIMIT__PER_IP_PER_SECOND",
            settings.rate_limit.per_ip_per_second.to_string(),
        ),
        (
            "FLASHSALE__RATE_LIMIT__PER_IP_PRODUCT_PER_SECOND",
            settings.rate_limit.per_ip_product_per_second.to_string(),
        ),
        (
            "FLASHSALE__RATE_LIMIT__PER_USER_PER_SECOND",
            settings.rate_limit.per_user_per_second.to_string(),
        ),
        ("FLASHSALE__LOG__FORMAT", "json".into()),
        ("FLASHSALE__LOG__FILTER", "info".into()),
    ]
}

impl Process {
    /// Starts the binary in `role` (`all`, `api`, `worker`) with `settings`.
    pub fn spawn(settings: &Settings, role: &str) -> Self {
        let mut command = Command::new(BIN);
        command
            .env_remove("RUST_LOG")
            .envs(environment(settings, role))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (blocking, on a test thread) for a log line containing `needle`; returns it.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no log line with {needle:?} within {timeout:?}; log so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The base URL the API logs once it listens.
    pub fn wait_listening(&mut self) -> String {
        let line = self.wait_for_line("listening on http://", Duration::from_secs(60));
        let start = line.find("http://").expect("a url");
        line[start..]
            .split([' ', '"'])
            .next()
            .expect("url")
            .to_owned()
    }

    /// `kill -9`: no cleanup of any kind.
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("SIGKILL delivered");
        self.child.wait().expect("reaped");
    }

    /// `kill -TERM`, then waits for the process to exit; returns its status and whole log.
    pub async fn terminate(&mut self, timeout: Duration) -> (ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.expect("kill runs").success());
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                break status;
            }
            assert!(Instant::now() < deadline, "no exit within {timeout:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let mut log = std::mem::take(&mut self.seen);
        log.extend(self.lines.try_iter());
        (status, log)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
