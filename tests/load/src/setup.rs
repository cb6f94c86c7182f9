//! Before the load: the run's products created through the admin API, and a token and a fake
//! client address per virtual buyer.

use std::time::Duration;

use bytes::Bytes;
use flashsale_http::{mint_token, TokenSecret};
use hyper::header::HeaderValue;
use hyper::{Method, Uri};

use crate::client::{bearer, describe, service, uri_at, Client};
use crate::config::RunConfig;
use crate::LoadError;

/// How long minted tokens stay valid: longer than any run.
const TOKEN_TTL: Duration = Duration::from_secs(6 * 3_600);

/// A virtual buyer.
pub struct User {
    /// Its user id.
    pub id: String,
    /// `Bearer <token>`.
    pub bearer: HeaderValue,
    /// Its fake client address.
    pub address: HeaderValue,
}

/// What the load is aimed at.
pub struct Target {
    /// Product ids, in plan order.
    pub products: Vec<String>,
    /// Each product's buy URI on each API process: `buy_uris[api][product]`.
    pub buy_uris: Vec<Vec<Uri>>,
    /// The buyers, in plan order.
    pub users: Vec<User>,
    /// An admin's `Bearer <token>`.
    pub admin: HeaderValue,
}

/// The `n`-th fake client address: `10.a.b.c`.
pub fn address(n: u32) -> String {
    format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff)
}

/// Mints the tokens and creates the products.
///
/// # Errors
/// [`LoadError`] when a token cannot be minted or a product cannot be created.
pub async fn prepare(config: &RunConfig, client: &Client) -> Result<Target, LoadError> {
    config.validate()?;
    let secret = TokenSecret::new(config.token_secret.clone());
    let admin = bearer(&mint_token(
        &secret,
        &format!("{}-ops", config.run_id),
        true,
        TOKEN_TTL,
    )?)?;
    let mut users = Vec::with_capacity(config.users as usize);
    for n in 0..config.users {
        let id = format!("{}-u{n}", config.run_id);
        let token = mint_token(&secret, &id, false, TOKEN_TTL)?;
        let address = HeaderValue::from_str(&address(n / config.users_per_address))
            .map_err(|e| LoadError::Config(e.to_string()))?;
        users.push(User {
            bearer: bearer(&token)?,
            address,
            id,
        });
    }
    let products: Vec<String> = (0..config.products)
        .map(|p| format!("{}-p{p}", config.run_id))
        .collect();
    let now = chrono::Utc::now();
    let at = |offset: i64| {
        (now + chrono::Duration::seconds(offset)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    for product in &products {
        let body = serde_json::json!({
            "productId": product, "name": product, "stock": config.stock,
            "startsAt": at(-60), "endsAt": at(6 * 3_600),
        });
        let answer = client
            .send(
                Method::POST,
                client.uri("/api/v1/admin/sales")?,
                Some(&admin),
                None,
                Some(Bytes::from(body.to_string())),
            )
            .await
            .map_err(|e| service("creating a product", e.to_string()))?;
        if answer.status != 201 {
            return Err(service("creating a product", describe(&answer)));
        }
    }
    let buy_uris = config
        .apis()
        .iter()
        .map(|api| {
            products
                .iter()
                .map(|product| uri_at(api, &format!("/api/v1/sales/{product}/purchases")))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Target {
        products,
        buy_uris,
        users,
        admin,
    })
}

#[cfg(test)]
mod tests {
    use super::address;

    #[test]
    fn addresses_are_distinct_per_index() {
        assert_eq!(address(0), "10.0.0.0");
        assert_eq!(address(70_000), "10.1.17.112");
    }
}
