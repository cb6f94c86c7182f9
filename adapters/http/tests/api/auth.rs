//! Tokens: missing, malformed, expired, badly signed, unsigned, and without the admin claim.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};

use crate::helpers::{assert_problem, bearer, spawn_app, token, SECRET};

async fn buy_with(authorization: Option<String>) -> poem::test::TestResponse {
    let app = spawn_app();
    app.open_sale("phone", 5).await;
    let mut request = app.client.post("/api/v1/sales/phone/purchases");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body_json(&serde_json::json!({})).send().await
}

fn signed(claims: serde_json::Value, secret: &str) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_request_without_a_token_is_unauthorized() {
    assert_problem(buy_with(None).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_malformed_token_is_unauthorized() {
    assert_problem(
        buy_with(Some(bearer("not.a.jwt"))).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn an_expired_token_is_unauthorized() {
    let expired = signed(
        serde_json::json!({"sub": "alice", "exp": now() - 600}),
        SECRET,
    );
    let body = assert_problem(buy_with(Some(bearer(&expired))).await, 401, "unauthorized").await;
    assert!(body["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn a_token_with_a_wrong_signature_is_unauthorized() {
    let forged = signed(
        serde_json::json!({"sub": "alice", "exp": now() + 600}),
        "guess",
    );
    assert_problem(buy_with(Some(bearer(&forged))).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_unauthorized() {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"alice","exp":{}}}"#, now() + 600));
    let unsigned = format!("{header}.{claims}.");
    assert_problem(buy_with(Some(bearer(&unsigned))).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_token_without_a_subject_is_unauthorized() {
    let anonymous = signed(serde_json::json!({"exp": now() + 600}), SECRET);
    assert_problem(
        buy_with(Some(bearer(&anonymous))).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_token_whose_subject_is_not_a_user_id_is_unauthorized() {
    let odd = signed(
        serde_json::json!({"sub": "a b", "exp": now() + 600}),
        SECRET,
    );
    assert_problem(buy_with(Some(bearer(&odd))).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_valid_token_buys() {
    let response = buy_with(Some(bearer(&token("alice")))).await;
    response.assert_status(poem::http::StatusCode::ACCEPTED);
}
