//! A buyer always finds what they own: every order in MariaDB is answered `succeeded`, with
//! its order id, to its buyer, both by request id and by product.

use std::time::Duration;

use serde_json::Value;

use super::{token, App};

/// Checks every order of `product`; panics naming the first one its buyer cannot see.
/// Returns how many orders were checked.
pub async fn assert_buyers_find_their_orders(app: &App, product: &str) -> usize {
    let db = app.database().await;
    let orders = sqlx::query_as::<_, (Vec<u8>, Vec<u8>, Vec<u8>)>(
        "SELECT request_id, order_id, user_id FROM orders WHERE product_id = ?",
    )
    .bind(product)
    .fetch_all(&db)
    .await
    .unwrap();
    for (request_id, order_id, user) in &orders {
        let (request_id, order_id, user) = (
            String::from_utf8_lossy(request_id),
            String::from_utf8_lossy(order_id),
            String::from_utf8_lossy(user),
        );
        let by_request = get(app, &user, &format!("purchases/{request_id}")).await;
        let by_product = get(app, &user, &format!("sales/{product}/purchase")).await;
        for (how, answer) in [("by request", by_request), ("by product", by_product)] {
            assert_eq!(
                (answer["status"].as_str(), answer["orderId"].as_str()),
                (Some("succeeded"), Some(order_id.as_ref())),
                "{user} asking {how} for order {order_id} ({request_id}) got {answer}"
            );
        }
    }
    orders.len()
}

async fn get(app: &App, user: &str, path: &str) -> Value {
    let response = app
        .client
        .get(format!("{}/api/v1/{path}", app.base))
        .bearer_auth(token(user))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status.as_u16(), 200, "GET {path} as {user}: {body}");
    body
}
