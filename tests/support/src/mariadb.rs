//! The MariaDB container and per-test databases.

use sqlx::{Connection, MySqlConnection};

use crate::names::unique_database_name;
use crate::probe::Probe;
use crate::service::{Service, ServiceKind};
use crate::StackError;

/// Port MariaDB serves on inside the container.
const MARIADB_PORT: u16 = 3306;
/// Root password of the throwaway test server.
pub(crate) const ROOT_PASSWORD: &str = "flashsale-test";

/// `mysql://root:…@host:port/` (no database selected).
pub(crate) fn admin_url(host: &str, port: u16) -> String {
    format!("mysql://root:{ROOT_PASSWORD}@{host}:{port}/")
}

/// Starts MariaDB and waits until `SELECT 1` answers.
pub(crate) async fn start(image: &str) -> Result<Service, StackError> {
    Service::launch(
        ServiceKind::MariaDb,
        image,
        MARIADB_PORT,
        |_, _| vec![("MARIADB_ROOT_PASSWORD".to_owned(), ROOT_PASSWORD.to_owned())],
        |host, port| Probe::MariaDb {
            url: admin_url(host, port),
        },
    )
    .await
}

/// Creates a new, empty database and returns a URL that selects it.
pub(crate) async fn fresh_database(service: &Service) -> Result<String, StackError> {
    let name = create_database(service).await?;
    Ok(format!(
        "{}{name}",
        admin_url(service.host(), service.port())
    ))
}

/// Creates a new, empty database and returns its name.
pub(crate) async fn create_database(service: &Service) -> Result<String, StackError> {
    let name = unique_database_name();
    let admin = admin_url(service.host(), service.port());
    let mut connection = MySqlConnection::connect(&admin)
        .await
        .map_err(|e| StackError::Database(format!("cannot connect as root: {e}")))?;
    sqlx::query(&format!(
        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    ))
    .execute(&mut connection)
    .await
    .map_err(|e| StackError::Database(format!("cannot create database {name}: {e}")))?;
    let _ = connection.close().await;
    Ok(name)
}
