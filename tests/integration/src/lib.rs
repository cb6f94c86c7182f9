//! Integration tests against real Redis, MariaDB and Kafka servers in containers.
//!
//! The tests live in `tests/`; the servers come from `flashsale-test-support`.
//! Prepare the images with `bash scripts/test-env.sh` first (see `docs/testing.md`).
