//! The dependency rule, read from `cargo metadata`: dependencies point inward.
//!
//! `domain` depends on no infrastructure crate, `application` on the domain and small utility
//! crates only, adapters never on each other nor on `bootstrap`, and nothing on `bootstrap`.
//! `flashsale-sql` is no adapter but the SQL adapters' shared library: only they depend on it,
//! and it depends on no adapter.
#![allow(clippy::expect_used, clippy::unwrap_used)] // test code may panic

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Normal (non-dev, non-build) dependencies of every workspace package, by package name.
fn workspace_dependencies() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| {
            let deps = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .filter(|dep| dep["kind"].is_null())
                .map(|dep| dep["name"].as_str().expect("name").to_owned())
                .collect();
            (package["name"].as_str().expect("name").to_owned(), deps)
        })
        .collect()
}

fn deps_of<'a>(all: &'a BTreeMap<String, Vec<String>>, crate_name: &str) -> &'a [String] {
    all.get(crate_name)
        .unwrap_or_else(|| panic!("{crate_name} is in the workspace"))
}

#[test]
fn the_domain_depends_on_nothing_but_small_utilities() {
    let all = workspace_dependencies();
    let allowed = ["thiserror"];
    for dep in deps_of(&all, "flashsale-domain") {
        assert!(
            allowed.contains(&dep.as_str()),
            "domain must not depend on {dep}"
        );
    }
}

#[test]
fn the_application_depends_only_on_the_domain_and_small_utilities() {
    let all = workspace_dependencies();
    // `fail` is optional: compiled in only with the `failpoints` feature, for fault tests.
    let allowed = ["flashsale-domain", "thiserror", "tracing", "fail"];
    for dep in deps_of(&all, "flashsale-application") {
        assert!(
            allowed.contains(&dep.as_str()),
            "application must not depend on {dep}"
        );
    }
}

/// The SQL adapters' shared library (rows, column lists, conversions): not an adapter.
const SHARED_SQL: &str = "flashsale-sql";

/// The only adapters that may depend on [`SHARED_SQL`].
const SQL_ADAPTERS: [&str; 2] = ["flashsale-mysql", "flashsale-sqlite"];

#[test]
fn adapters_depend_inward_and_never_on_each_other() {
    let all = workspace_dependencies();
    let adapters: Vec<&String> = all
        .keys()
        .filter(|name| {
            name.starts_with("flashsale-")
                && !matches!(name.as_str(), "flashsale-domain" | "flashsale-application")
                && name.as_str() != SHARED_SQL
                && !name.contains("test")
                // Test tools: the load generator drives the service over HTTP and mints tokens
                // with the HTTP adapter; it is no adapter and nothing depends on it.
                && !matches!(
                    name.as_str(),
                    "flashsale-suite" | "flashsale-integration" | "flashsale-load"
                )
        })
        .collect();
    assert!(adapters.iter().any(|a| a.as_str() == "flashsale-memory"));
    assert!(adapters.iter().any(|a| a.as_str() == "flashsale-http"));
    assert!(adapters.iter().any(|a| a.as_str() == "flashsale-mysql"));
    assert!(adapters.iter().any(|a| a.as_str() == "flashsale-sqlite"));
    for adapter in &adapters {
        for dep in deps_of(&all, adapter) {
            let is_other_adapter = adapters.iter().any(|other| other.as_str() == dep);
            assert!(
                !is_other_adapter,
                "{adapter} must not depend on the adapter {dep}"
            );
            assert_ne!(dep, "flashsale", "{adapter} must not depend on bootstrap");
            assert!(
                dep != SHARED_SQL || SQL_ADAPTERS.contains(&adapter.as_str()),
                "{adapter} is no SQL adapter and must not depend on {SHARED_SQL}"
            );
        }
    }
}

#[test]
fn the_shared_sql_library_depends_on_no_adapter_nor_bootstrap() {
    let all = workspace_dependencies();
    let allowed = [
        "flashsale-domain",
        "flashsale-application",
        "thiserror",
        "sqlx",
    ];
    for dep in deps_of(&all, SHARED_SQL) {
        assert!(
            allowed.contains(&dep.as_str()),
            "{SHARED_SQL} must depend on no adapter, nor bootstrap, nor {dep}"
        );
    }
    for adapter in SQL_ADAPTERS {
        assert!(
            deps_of(&all, adapter).iter().any(|dep| dep == SHARED_SQL),
            "{adapter} shares its rows through {SHARED_SQL}"
        );
    }
}

#[test]
fn nothing_depends_on_bootstrap() {
    let all = workspace_dependencies();
    for (name, deps) in &all {
        assert!(
            !deps.iter().any(|d| d == "flashsale"),
            "{name} depends on bootstrap"
        );
    }
}

#[test]
fn inner_layers_are_free_of_frameworks_and_drivers() {
    let all = workspace_dependencies();
    let infrastructure = [
        "tokio",
        "poem",
        "poem-openapi",
        "serde",
        "serde_json",
        "sqlx",
        "redis",
        "bb8-redis",
        "rdkafka",
        "config",
        "jsonwebtoken",
        "reqwest",
        "hyper",
    ];
    for inner in ["flashsale-domain", "flashsale-application"] {
        for dep in deps_of(&all, inner) {
            assert!(
                !infrastructure.contains(&dep.as_str()),
                "{inner} depends on {dep}"
            );
        }
    }
}
