//! Bearer tokens: HS256 JWTs whose `sub` is the buyer and whose `admin` claim opens admin
//! operations. Identity never comes from a query parameter or a body.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use flashsale_domain::UserId;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use poem::http::StatusCode;
use poem::Request;
use poem_openapi::{auth::Bearer, SecurityScheme};
use serde::{Deserialize, Serialize};

/// The shared secret that signs and checks tokens. Never printed.
#[derive(Clone)]
pub struct TokenSecret(Arc<str>);

impl TokenSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Arc::from(secret.into()))
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for TokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSecret(***)")
    }
}

/// The claims this service reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    #[serde(default)]
    iat: u64,
    #[serde(default)]
    admin: bool,
}

/// Why a token could not be minted.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The subject is not a valid user id.
    #[error("invalid subject: {0}")]
    InvalidSubject(#[from] flashsale_domain::IdError),
    /// Signing failed.
    #[error("cannot sign the token: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Mints a token for `subject`, valid for `ttl`, with the admin claim when `admin` is set.
///
/// # Errors
/// [`TokenError`] when the subject is not a valid user id or signing fails.
pub fn mint_token(
    secret: &TokenSecret,
    subject: &str,
    admin: bool,
    ttl: Duration,
) -> Result<String, TokenError> {
    UserId::parse(subject)?;
    let iat = unix_now();
    let claims = Claims {
        sub: subject.to_owned(),
        iat,
        exp: iat.saturating_add(ttl.as_secs()),
        admin,
    };
    let key = EncodingKey::from_secret(secret.bytes());
    Ok(encode(&Header::new(Algorithm::HS256), &claims, &key)?)
}

/// Who is calling, as proven by their token.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The buyer.
    pub user_id: UserId,
    /// Whether admin operations are allowed.
    pub admin: bool,
}

/// Checks tokens: HS256 only, `exp` and `sub` required, `nbf` honoured when present (a token
/// not yet valid is refused), with a few seconds' leeway for clock skew.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl TokenVerifier {
    /// A verifier for tokens signed with `secret`.
    pub fn new(secret: &TokenSecret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Self {
            key: DecodingKey::from_secret(secret.bytes()),
            validation,
        }
    }

    fn verify(&self, token: &str) -> poem::Result<Identity> {
        let data = decode::<Claims>(token, &self.key, &self.validation).map_err(|error| {
            use jsonwebtoken::errors::ErrorKind;
            let detail = match error.kind() {
                ErrorKind::ExpiredSignature => "The token has expired.",
                ErrorKind::ImmatureSignature => "The token is not valid yet (`nbf`).",
                ErrorKind::InvalidSignature => "The token's signature does not match.",
                ErrorKind::InvalidAlgorithm => "The token must be signed with HS256.",
                ErrorKind::MissingRequiredClaim(_) => "The token lacks a required claim.",
                _ => "The token is malformed.",
            };
            unauthorized(detail)
        })?;
        let user_id = UserId::parse(data.claims.sub)
            .map_err(|_| unauthorized("The token's subject is not a valid user id."))?;
        Ok(Identity {
            user_id,
            admin: data.claims.admin,
        })
    }
}

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 5;

fn unauthorized(detail: &str) -> poem::Error {
    poem::Error::from_string(detail, StatusCode::UNAUTHORIZED)
}

/// A bearer token: an HS256 JWT whose `sub` is the caller's user id.
#[derive(SecurityScheme)]
#[oai(
    rename = "bearerAuth",
    ty = "bearer",
    bearer_format = "JWT",
    checker = "check_bearer"
)]
pub struct BearerAuth(pub Identity);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Identity> {
    let verifier = req
        .data::<TokenVerifier>()
        .ok_or_else(|| poem::Error::from_status(StatusCode::INTERNAL_SERVER_ERROR))?;
    let identity = verifier.verify(&bearer.token)?;
    // The request's span (see `edge`) names the buyer from here on.
    tracing::Span::current().record("buyer", identity.user_id.as_str());
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> TokenSecret {
        TokenSecret::new("test-secret")
    }

    #[test]
    fn a_minted_token_verifies_with_its_subject_and_claims() {
        let token = mint_token(&secret(), "alice", true, Duration::from_secs(60)).expect("minted");
        let identity = TokenVerifier::new(&secret()).verify(&token).expect("valid");
        assert_eq!(identity.user_id.as_str(), "alice");
        assert!(identity.admin);
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let token = mint_token(
            &TokenSecret::new("other"),
            "alice",
            false,
            Duration::from_secs(60),
        )
        .expect("minted");
        let error = TokenVerifier::new(&secret())
            .verify(&token)
            .expect_err("refused");
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn an_invalid_subject_cannot_be_minted() {
        assert!(mint_token(&secret(), "bad subject", false, Duration::from_secs(60)).is_err());
    }

    #[test]
    fn a_token_not_valid_yet_is_refused() {
        let key = EncodingKey::from_secret(secret().bytes());
        let now = unix_now();
        let claims = serde_json::json!({"sub": "alice", "exp": now + 600, "nbf": now + 60});
        let token = encode(&Header::new(Algorithm::HS256), &claims, &key).expect("signed");
        let error = TokenVerifier::new(&secret())
            .verify(&token)
            .expect_err("refused");
        assert_eq!(error.status(), StatusCode::UNAUTHORIZED);
        assert!(error.to_string().contains("nbf"), "{error}");
    }

    #[test]
    fn the_secret_never_prints() {
        assert_eq!(format!("{:?}", secret()), "TokenSecret(***)");
    }
}
