//! The production profile's rule on credentials: it never runs with one of the examples shipped
//! in `config/default.toml` (the token secret, the payment webhook secret, the Redis password,
//! the MySQL password), so a
//! deployment that forgot to set one fails at start, naming the setting to change.

use crate::settings::Settings;

/// A credential left at its shipped example value.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The named setting holds the shipped example (or nothing at all).
    #[error(
        "the production profile refuses the example {what} shipped in config/default.toml: set \
         {key} (e.g. with {env}) to your own value"
    )]
    Example {
        /// What the credential is.
        what: &'static str,
        /// The setting, `section.key`.
        key: &'static str,
        /// The environment variable that sets it.
        env: &'static str,
    },
    /// The shipped settings themselves do not load (a broken build).
    #[error("the shipped settings do not load: {0}")]
    Shipped(#[from] config::ConfigError),
}

/// Refuses settings holding a shipped example credential; the first one found is named.
///
/// # Errors
/// [`CredentialsError::Example`] naming the setting to change.
pub fn refuse_examples(settings: &Settings) -> Result<(), CredentialsError> {
    let shipped = Settings::shipped()?;
    let secret = settings.auth.token_secret.expose();
    if secret.trim().is_empty() || secret == shipped.auth.token_secret.expose() {
        return Err(CredentialsError::Example {
            what: "token secret",
            key: "auth.token_secret",
            env: "FLASHSALE__AUTH__TOKEN_SECRET",
        });
    }
    let webhook = settings.payments.webhook_secret.expose();
    if webhook.trim().is_empty() || webhook == shipped.payments.webhook_secret.expose() {
        return Err(CredentialsError::Example {
            what: "payment webhook secret",
            key: "payments.webhook_secret",
            env: "FLASHSALE__PAYMENTS__WEBHOOK_SECRET",
        });
    }
    let clustered = !settings.redis.cluster_nodes.expose().trim().is_empty();
    let shipped_redis = password(shipped.redis.url.expose());
    let cluster_uses_shipped = settings
        .redis
        .cluster_nodes
        .expose()
        .split(',')
        .any(|node| password(node.trim()) == shipped_redis);
    if clustered && cluster_uses_shipped {
        return Err(CredentialsError::Example {
            what: "Redis password",
            key: "redis.cluster_nodes",
            env: "FLASHSALE__REDIS__CLUSTER_NODES",
        });
    }
    if !clustered && password(settings.redis.url.expose()) == shipped_redis {
        return Err(CredentialsError::Example {
            what: "Redis password",
            key: "redis.url",
            env: "FLASHSALE__REDIS__URL",
        });
    }
    if password(settings.mysql.url.expose()) == password(shipped.mysql.url.expose()) {
        return Err(CredentialsError::Example {
            what: "MySQL password",
            key: "mysql.url",
            env: "FLASHSALE__MYSQL__URL",
        });
    }
    Ok(())
}

/// The password of `scheme://[user]:password@host…`, if the URL has one.
fn password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let (credentials, _) = authority.rsplit_once('@')?;
    credentials.split_once(':').map(|(_, password)| password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Profile, Secret};

    fn own_credentials() -> Settings {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings::load(Profile::Production, dir.path()).expect("loads");
        settings.auth.token_secret = Secret::new("a-long-random-production-secret");
        settings.payments.webhook_secret = Secret::new("whsec_a-long-random-provider-secret");
        settings.redis.url = Secret::new("redis://:own-redis-pw@cache:6379/");
        settings.mysql.url = Secret::new("mysql://shop:own-db-pw@db:3306/shop");
        settings
    }

    fn refused_key(settings: &Settings) -> &'static str {
        match refuse_examples(settings) {
            Err(CredentialsError::Example { key, .. }) => key,
            other => panic!("not refused for an example: {other:?}"),
        }
    }

    #[test]
    fn own_credentials_are_accepted() {
        assert!(refuse_examples(&own_credentials()).is_ok());
    }

    #[test]
    fn the_shipped_token_secret_or_none_is_refused() {
        let mut settings = own_credentials();
        settings.auth.token_secret = Settings::shipped().expect("loads").auth.token_secret;
        assert_eq!(refused_key(&settings), "auth.token_secret");
        settings.auth.token_secret = Secret::new("  ");
        assert_eq!(refused_key(&settings), "auth.token_secret");
    }

    #[test]
    fn the_shipped_webhook_secret_or_none_is_refused() {
        let mut settings = own_credentials();
        settings.payments.webhook_secret =
            Settings::shipped().expect("loads").payments.webhook_secret;
        assert_eq!(refused_key(&settings), "payments.webhook_secret");
        settings.payments.webhook_secret = Secret::new("");
        assert_eq!(refused_key(&settings), "payments.webhook_secret");
    }

    #[test]
    fn the_shipped_redis_password_is_refused_whatever_the_host() {
        let mut settings = own_credentials();
        settings.redis.url = Secret::new("redis://:CHANGE-ME@redis.internal:6379/");
        assert_eq!(refused_key(&settings), "redis.url");
    }

    #[test]
    fn the_shipped_mysql_password_is_refused_whatever_the_user_and_host() {
        let mut settings = own_credentials();
        settings.mysql.url = Secret::new("mysql://root:flashsale@db.internal:3306/shop");
        assert_eq!(refused_key(&settings), "mysql.url");
    }

    #[test]
    fn the_error_names_the_setting_and_its_variable() {
        let mut settings = own_credentials();
        settings.mysql.url = Settings::shipped().expect("loads").mysql.url;
        let error = refuse_examples(&settings).expect_err("refused").to_string();
        assert!(error.contains("mysql.url"), "{error}");
        assert!(error.contains("FLASHSALE__MYSQL__URL"), "{error}");
        assert!(
            !error.contains("flashsale@"),
            "the value is not shown: {error}"
        );
    }

    #[test]
    fn passwords_are_read_from_urls() {
        assert_eq!(password("redis://:pw@h:1/"), Some("pw"));
        assert_eq!(password("mysql://u:p@ss@h:1/db"), Some("p@ss"));
        assert_eq!(password("redis://h:1/"), None);
        assert_eq!(password("mysql://u@h/db"), None);
    }
}
