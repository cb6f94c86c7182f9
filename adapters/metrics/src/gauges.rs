//! Gauges no call reports, polled: reservations in flight and stock remaining, per sale.
//!
//! Every `interval` the task lists the sales (the gate's live count, as buyers see it) and asks
//! the gate to count each product's in-flight reservations (O(1)). It holds the service weakly and ends
//! once the service is dropped, so stopping the service stops it too.

use std::sync::{Arc, Weak};
use std::time::Duration;

use flashsale_application::ports::StockGate;
use flashsale_application::{ErrorChain, FlashSale, Ports};
use tokio::task::JoinHandle;

use crate::names::{GAUGE_POLL_ERRORS, RESERVATIONS_IN_FLIGHT, STOCK_REMAINING};

/// Polls the gauges every `interval` until `service` is dropped.
pub fn spawn_gauges<P: Ports>(service: &Arc<FlashSale<P>>, interval: Duration) -> JoinHandle<()> {
    let service: Weak<FlashSale<P>> = Arc::downgrade(service);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(service) = service.upgrade() else {
                return;
            };
            poll_gauges(&service).await;
        }
    })
}

/// Sets `flashsale_stock_remaining` and `flashsale_reservations_in_flight` for every sale.
/// Failures are counted in `flashsale_gauge_poll_errors_total` and logged at debug level; the
/// gauges keep their last values.
pub async fn poll_gauges<P: Ports>(service: &FlashSale<P>) {
    let sales = match service.list_sales().await {
        Ok(sales) => sales,
        Err(error) => {
            tracing::debug!(error = %ErrorChain(&error), "cannot list sales for the stock gauges");
            metrics::counter!(GAUGE_POLL_ERRORS, "gauge" => "stock_remaining").increment(1);
            return;
        }
    };
    for view in sales {
        let product = view.sale.product_id();
        let label = product.as_str().to_owned();
        metrics::gauge!(STOCK_REMAINING, "product" => label.clone()).set(f64::from(view.remaining));
        match service.ports().gate.in_flight_count(product).await {
            Ok(count) => {
                metrics::gauge!(RESERVATIONS_IN_FLIGHT, "product" => label).set(count as f64);
            }
            Err(error) => {
                tracing::debug!(error = %ErrorChain(&error), %product, "cannot count reservations in flight");
                metrics::counter!(GAUGE_POLL_ERRORS, "gauge" => "reservations_in_flight")
                    .increment(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use flashsale_domain::{ProductId, Quantity, Sale, SaleWindow, Timestamp, UserId};
    use flashsale_memory::{embedded, EmbeddedSettings, RateLimits};

    use super::*;
    use crate::testing::{capture, gauge_value};

    #[test]
    fn the_gauges_show_stock_left_and_reservations_in_flight_per_sale() {
        let (adapters, _receiver) = embedded(&EmbeddedSettings {
            rate_limits: RateLimits::NONE,
            queue_capacity: 16,
            publish_timeout: Duration::from_millis(10),
            idempotency: flashsale_application::ports::KeyTimes {
                ttl: Duration::from_secs(60),
                lease: Duration::from_secs(10),
            },
        });
        let service = FlashSale::new(adapters);
        let product = ProductId::parse("phone").expect("id");
        let window = SaleWindow::new(
            Timestamp::from_millis(0),
            Timestamp::from_millis(i64::MAX / 2),
        )
        .expect("window");
        let sale = Sale::new(product.clone(), "Phone", 5, window).expect("sale");
        let ((), recorded) = capture(async {
            service.create_sale(sale).await.expect("created");
            let buyer = UserId::parse("alice").expect("id");
            service
                .place_purchase(&buyer, None, product, Quantity::ONE)
                .await
                .expect("accepted");
            poll_gauges(&service).await;
        });
        let labels = [("product", "phone")];
        assert_eq!(gauge_value(&recorded, STOCK_REMAINING, &labels), Some(4.0));
        assert_eq!(
            gauge_value(&recorded, RESERVATIONS_IN_FLIGHT, &labels),
            Some(1.0)
        );
    }
}
