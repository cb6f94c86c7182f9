//! Reading what the worker dead-lettered: every message of the dead-letter topic and its headers.

use std::time::Duration;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, OwnedMessage};
use rdkafka::ClientConfig;

use super::App;

/// How long the first dead letter may take to appear.
const PATIENCE: Duration = Duration::from_secs(30);

/// Every message of the app's dead-letter topic, read until none comes for two seconds.
pub async fn dead_letters(app: &App) -> Vec<OwnedMessage> {
    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &app.settings.kafka.bootstrap_servers)
        .set(
            "group.id",
            format!("{}-reader", app.settings.kafka.dead_letter_topic),
        )
        .set("auto.offset.reset", "earliest")
        .create()
        .expect("a dead-letter reader");
    reader
        .subscribe(&[&app.settings.kafka.dead_letter_topic])
        .expect("subscribes");
    let mut dead = Vec::new();
    let mut wait = PATIENCE;
    while let Ok(Ok(message)) = tokio::time::timeout(wait, reader.recv()).await {
        dead.push(message.detach());
        wait = Duration::from_secs(2);
    }
    dead
}

/// The value of header `name` of `message`, if it has one.
pub fn header(message: &OwnedMessage, name: &str) -> Option<String> {
    use rdkafka::Message;
    message
        .headers()?
        .iter()
        .find(|header| header.key == name)
        .and_then(|header| header.value)
        .map(|value| String::from_utf8_lossy(value).into_owned())
}
