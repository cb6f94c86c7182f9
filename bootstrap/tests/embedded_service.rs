//! The README's walk-through, against the real binary: run it, list what is on sale (from the
//! snapshot the server refreshes, so it is ready then), mint tokens with its subcommand,
//! buy the demo product, poll to success, get refused as a repeat buyer and as a late buyer,
//! then stop it with SIGTERM and see it drain and exit cleanly; started again on the same
//! database file, it still knows the sale and every buyer's purchase.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_flashsale");
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// This test's database file: the shipped configuration's storage, in a folder of its own.
fn database() -> std::path::PathBuf {
    std::env::temp_dir()
        .join(format!("flashsale-walk-through-{}", std::process::id()))
        .join("flashsale.db")
}

fn flashsale() -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(WORKSPACE)
        .env("FLASHSALE__EMBEDDED__PATH", database())
        .env("FLASHSALE__HTTP__BIND", "127.0.0.1:0")
        .env("FLASHSALE__DEMO__STOCK", "3")
        .env("FLASHSALE__LOG__FORMAT", "json")
        .env_remove("RUST_LOG");
    command
}

fn mint(user: &str) -> String {
    let output = flashsale()
        .args(["mint-token", "--sub", user])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// The running service; killed if the test ends before it stops by itself.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the service; returns it, its base URL and the channel of its log lines.
fn start() -> (Running, String, mpsc::Receiver<String>) {
    let mut service = Running(flashsale().stderr(Stdio::piped()).spawn().expect("starts"));
    let stderr = service.0.stderr.take().expect("stderr");
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the service logs its address");
        if let Some(start) = line.find("listening on http://") {
            let rest = &line[start + "listening on ".len()..];
            let url = rest.split([' ', '"']).next().expect("url").to_owned();
            return (service, url, lines);
        }
    }
}

async fn buy(client: &reqwest::Client, base: &str, token: &str) -> (u16, Value) {
    let response = client
        .post(format!("{base}/api/v1/sales/demo-phone/purchases"))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("answers");
    (
        response.status().as_u16(),
        response.json().await.expect("json"),
    )
}

#[tokio::test]
async fn the_readme_walk_through_works_against_the_binary() {
    let (mut service, base, lines) = start();
    let client = reqwest::Client::new();

    let sales: Value = client
        .get(format!("{base}/api/v1/sales"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sales[0]["productId"], "demo-phone", "{sales}");
    assert_eq!(sales[0]["remaining"], 3, "{sales}");
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status().as_u16(), 200);

    let alice = mint("alice");
    let (status, accepted) = buy(&client, &base, &alice).await;
    assert_eq!(status, 202, "{accepted}");
    let result_path = accepted["resultUrl"].as_str().unwrap().to_owned();
    let result_url = format!("{base}{result_path}");
    let mut result = Value::Null;
    for _ in 0..100 {
        result = client
            .get(&result_url)
            .bearer_auth(&alice)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if result["status"] != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(result["status"], "succeeded", "{result}");

    let (status, problem) = buy(&client, &base, &alice).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (409, Some("urn:flashsale:problem:already-purchased"))
    );
    for user in ["bob", "carol"] {
        assert_eq!(buy(&client, &base, &mint(user)).await.0, 202);
    }
    let (status, problem) = buy(&client, &base, &mint("dave")).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (409, Some("urn:flashsale:problem:sold-out"))
    );

    let docs = client.get(format!("{base}/docs")).send().await.unwrap();
    assert_eq!(docs.status().as_u16(), 200);

    let metrics = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status().as_u16(), 200);
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains(
            "flashsale_stock_gate_duration_seconds_bucket{op=\"reserve\",outcome=\"sold_out\""
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("# HELP flashsale_stock_gate_duration_seconds "),
        "{metrics}"
    );

    stop(&mut service, &lines).await;

    // Started again on the same file: the sale, its stock and alice's purchase are kept.
    let (mut service, base, lines) = start();
    let sales: Value = client
        .get(format!("{base}/api/v1/sales"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sales[0]["productId"], "demo-phone", "{sales}");
    assert_eq!(sales[0]["remaining"], 0, "{sales}");
    let kept: Value = client
        .get(format!("{base}{result_path}"))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept["status"], "succeeded", "{kept}");
    let (status, problem) = buy(&client, &base, &mint("erin")).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (409, Some("urn:flashsale:problem:sold-out"))
    );
    stop(&mut service, &lines).await;
    let _ = std::fs::remove_dir_all(database().parent().unwrap());
}

/// SIGTERM, then the clean exit the log reports.
async fn stop(service: &mut Running, lines: &mpsc::Receiver<String>) {
    let pid = service.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let exit = loop {
        if let Some(status) = service.0.try_wait().expect("waits") {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "exit status {exit}");
    let log: Vec<String> = lines.iter().collect();
    assert!(
        log.iter().any(|l| l.contains("stopped cleanly")),
        "{log:#?}"
    );
}
