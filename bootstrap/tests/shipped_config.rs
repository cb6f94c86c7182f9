//! What the project ships binds to the loopback and protects Redis with a password: every
//! profile's settings as loaded from `config/`, and the Redis test image.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::path::Path;

use flashsale::{Profile, Settings};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn shipped(profile: Profile) -> Settings {
    Settings::load(profile, &Path::new(WORKSPACE).join("config")).expect("the shipped config loads")
}

/// The host part of `scheme://[user[:password]@]host:port/...` or of `host:port`.
fn host_of(address: &str) -> &str {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split([':', '/']).next().unwrap()
}

#[test]
fn every_shipped_profile_binds_and_dials_the_loopback_only() {
    for profile in [Profile::Embedded, Profile::Production] {
        let settings = shipped(profile);
        assert_eq!(host_of(&settings.http.bind), "127.0.0.1", "{profile} http");
        assert_eq!(
            host_of(settings.redis.url.expose()),
            "127.0.0.1",
            "{profile} redis"
        );
        assert_eq!(
            host_of(settings.mysql.url.expose()),
            "127.0.0.1",
            "{profile} mysql"
        );
        for broker in settings.kafka.bootstrap_servers.split(',') {
            assert_eq!(host_of(broker.trim()), "127.0.0.1", "{profile} kafka");
        }
    }
}

#[test]
fn the_shipped_redis_url_carries_a_password() {
    let settings = shipped(Profile::Production);
    let url = settings.redis.url.expose();
    let credentials = url
        .split_once("://")
        .and_then(|(_, rest)| rest.rsplit_once('@'))
        .map(|(credentials, _)| credentials)
        .expect("redis://:password@host");
    let password = credentials.rsplit(':').next().unwrap();
    assert!(!password.is_empty(), "{credentials}");
}

#[test]
fn the_redis_test_image_requires_a_password() {
    let dockerfile = std::fs::read_to_string(Path::new(WORKSPACE).join("docker/redis/Dockerfile"))
        .expect("docker/redis/Dockerfile");
    assert!(dockerfile.contains("--requirepass"), "{dockerfile}");
}
