//! The HTTP API against the embedded adapters: every operation, every error shape, the spec.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test helpers may panic

mod admin;
mod audit;
mod auth;
mod bad_input;
mod catalog;
mod counting;
mod figures;
mod helpers;
mod idempotency;
mod openapi;
mod orders;
mod overload;
mod payments;
mod purchases;
mod readiness;
mod sale_controls;
mod sale_orders;
mod scrape;
mod strict;
mod traceable;
