//! Payments and conservation through HTTP, for the order tests: a payment confirmation signed
//! as the payment provider signs it, and the audit's terms checked to add up to the stock.

use reqwest::StatusCode;
use serde_json::{json, Value};

use flashsale_http::{sign_webhook, WebhookSecret};

use super::{admin_token, App, WEBHOOK_SECRET};

/// Delivers a payment confirmation signed `age_secs` ago, as the payment provider would.
pub async fn confirm_payment(
    app: &App,
    order_id: &str,
    payment_id: &str,
    age_secs: i64,
) -> (StatusCode, Value) {
    let body = json!({ "orderId": order_id, "paymentId": payment_id }).to_string();
    let secret = WebhookSecret::new(WEBHOOK_SECRET).unwrap();
    let signature = sign_webhook(
        &secret,
        chrono::Utc::now().timestamp() - age_secs,
        body.as_bytes(),
    );
    let response = app
        .client
        .post(format!("{}/api/v1/payments/webhook", app.base))
        .header("content-type", "application/json")
        .header("Flashsale-Signature", signature)
        .body(body)
        .send()
        .await
        .expect("answers");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The audit endpoint's terms, checked to add up to the stock with nothing in flight.
pub async fn assert_conserved(app: &App, product: &str, stock: u64) -> Value {
    let audit: Value = app
        .client
        .get(format!("{}/api/v1/admin/sales/{product}/audit", app.base))
        .bearer_auth(admin_token())
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    let term = |name: &str| {
        audit[name]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: {audit}"))
    };
    assert_eq!(term("inFlight"), 0, "{audit}");
    assert_eq!(
        term("gateRemaining") + term("inFlight") + term("unitsPendingPayment") + term("unitsPaid"),
        stock,
        "gate remaining + in flight + pending payment + paid = stock: {audit}"
    );
    assert_eq!(term("remaining") + term("unitsOrdered"), stock, "{audit}");
    assert_eq!(term("gateRemaining"), term("remaining"), "{audit}");
    assert!(term("maxOrdersPerBuyer") <= 1, "{audit}");
    audit
}
