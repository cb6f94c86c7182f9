//! The demo sale seeded in the embedded profile, so a new user can buy at once.

use std::time::Duration;

use anyhow::Context;
use flashsale_application::ports::Clock;
use flashsale_application::{CreateSaleError, FlashSale, Ports};
use flashsale_domain::{ProductId, Quantity, Sale, SaleWindow};

use crate::settings::DemoSection;

/// Creates the demo sale, open from now for the configured duration; keeps an existing one.
///
/// # Errors
/// When the configured demo sale is invalid or the catalog fails.
pub async fn seed<P: Ports>(service: &FlashSale<P>, demo: &DemoSection) -> anyhow::Result<()> {
    let now = service.ports().clock.now();
    let window = SaleWindow::new(now, now.plus(Duration::from_secs(demo.duration_secs)))
        .context("demo.duration_secs must be positive")?;
    let product = ProductId::parse(demo.product_id.clone()).context("demo.product_id")?;
    let limit = Quantity::new(demo.per_user_limit).context("demo.per_user_limit")?;
    let sale = Sale::new(product.clone(), demo.name.clone(), demo.stock, window)
        .context("demo.name")?
        .with_per_user_limit(limit)
        .with_payment_window(service.default_payment_window());
    match service.create_sale(sale).await {
        Ok(()) => tracing::info!(%product, stock = demo.stock, "demo sale open"),
        Err(CreateSaleError::AlreadyExists) => tracing::info!(%product, "demo sale kept"),
        Err(error) => return Err(error).context("seeding the demo sale"),
    }
    Ok(())
}
