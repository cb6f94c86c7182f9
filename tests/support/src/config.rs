//! Which images to run and the environment variables that change the defaults.

use std::time::Duration;

/// Overrides the Redis image (default `flashsale-test/redis:latest`).
pub const ENV_REDIS_IMAGE: &str = "FLASHSALE_REDIS_IMAGE";
/// Overrides the MariaDB image (default `flashsale-test/mariadb:latest`).
pub const ENV_MARIADB_IMAGE: &str = "FLASHSALE_MARIADB_IMAGE";
/// Overrides the Kafka image (default `flashsale-test/kafka:latest`).
pub const ENV_KAFKA_IMAGE: &str = "FLASHSALE_KAFKA_IMAGE";
/// `1` runs no container: tests that need them return early and say so.
pub const ENV_SKIP_CONTAINERS: &str = "FLASHSALE_SKIP_CONTAINERS";
/// `1` leaves the containers running after the test binary ends (for debugging).
pub const ENV_KEEP_CONTAINERS: &str = "FLASHSALE_KEEP_CONTAINERS";
/// Seconds each server is given to answer its readiness probe (default 60), per container.
pub const ENV_READY_TIMEOUT: &str = "FLASHSALE_READY_TIMEOUT_SECS";

const DEFAULT_REDIS_IMAGE: &str = "flashsale-test/redis:latest";
const DEFAULT_MARIADB_IMAGE: &str = "flashsale-test/mariadb:latest";
const DEFAULT_KAFKA_IMAGE: &str = "flashsale-test/kafka:latest";
const DEFAULT_READY_TIMEOUT_SECS: u64 = 60;

/// The images the stack runs, after environment overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    /// Redis 7 (any image whose default command serves on 6379 and requires the password given
    /// in `REDIS_PASSWORD`, like `docker/redis` and `bitnami/redis`).
    pub redis: String,
    /// MariaDB 10.11 (any image that honours `MARIADB_ROOT_PASSWORD`, serving on 3306).
    pub mariadb: String,
    /// Kafka 4.x in KRaft mode (configured through `KAFKA_*` variables like `apache/kafka`).
    pub kafka: String,
}

impl Images {
    /// Reads the overrides from the environment.
    pub fn from_env() -> Self {
        Self {
            redis: env_or(ENV_REDIS_IMAGE, DEFAULT_REDIS_IMAGE),
            mariadb: env_or(ENV_MARIADB_IMAGE, DEFAULT_MARIADB_IMAGE),
            kafka: env_or(ENV_KAFKA_IMAGE, DEFAULT_KAFKA_IMAGE),
        }
    }
}

fn env_or(var: &str, default: &str) -> String {
    std::env::var(var)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// True when the variable is set to `1`, `true` or `yes`.
pub(crate) fn flag(var: &str) -> bool {
    matches!(
        std::env::var(var)
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref(),
        Ok("1" | "true" | "yes")
    )
}

/// How long each server is given to become ready.
pub(crate) fn ready_timeout() -> Duration {
    let secs = std::env::var(ENV_READY_TIMEOUT)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_READY_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// Splits `registry:5000/name:tag` into name and tag (`latest` when absent).
pub(crate) fn split_image(image: &str) -> (String, String) {
    let last_segment_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[last_segment_start..].rfind(':') {
        Some(colon) => {
            let at = last_segment_start + colon;
            (image[..at].to_owned(), image[at + 1..].to_owned())
        }
        None => (image.to_owned(), "latest".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::split_image;

    #[test]
    fn image_references_split_into_name_and_tag() {
        let cases = [
            (
                "flashsale-test/redis:latest",
                ("flashsale-test/redis", "latest"),
            ),
            ("redis", ("redis", "latest")),
            ("mariadb:10.11", ("mariadb", "10.11")),
            (
                "registry:5000/apache/kafka",
                ("registry:5000/apache/kafka", "latest"),
            ),
            (
                "registry:5000/apache/kafka:4.1.1",
                ("registry:5000/apache/kafka", "4.1.1"),
            ),
        ];
        for (image, (name, tag)) in cases {
            assert_eq!(
                split_image(image),
                (name.to_owned(), tag.to_owned()),
                "{image}"
            );
        }
    }
}
