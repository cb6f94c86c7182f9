//! Rows of `sales` as read, and their conversion into domain values.

use flashsale_application::ports::{SaleRecord, SaleStock};
use flashsale_domain::{PaymentWindow, ProductId, Quantity, Sale, SaleWindow, Timestamp};

use crate::{IdColumn, InvalidRow, RowKey};

/// One row of `sales` ([`SALE_COLUMNS`](crate::SALE_COLUMNS)); `Id` is how the adapter decodes
/// id columns ([`IdColumn`]).
#[derive(Debug, sqlx::FromRow)]
pub struct SaleRow<Id> {
    /// The product.
    pub product_id: Id,
    /// The sale's name.
    pub name: String,
    /// The units the sale started with, restocks included.
    pub stock: u32,
    /// The units not taken yet.
    pub remaining: u32,
    /// When the sale opens.
    pub starts_at_ms: i64,
    /// When the sale closes.
    pub ends_at_ms: i64,
    /// Most units one buyer may hold.
    pub per_user_limit: u32,
    /// How long an order waits for its payment.
    pub payment_window_secs: u32,
    /// Whether a buyer whose order was cancelled may buy again.
    pub rebuy_after_cancel: bool,
    /// Whether the sale is paused.
    pub paused: bool,
}

/// A sales row as a batch reads it (MySQL: locks it): its product, remaining stock and payment
/// window.
#[derive(Debug, sqlx::FromRow)]
pub struct SaleStockRow<Id> {
    /// The product.
    pub product_id: Id,
    /// The units not taken yet.
    pub remaining: u32,
    /// How long an order waits for its payment.
    pub payment_window_secs: u32,
}

impl<Id: IdColumn> SaleRow<Id> {
    /// The sale and its remaining stock.
    ///
    /// # Errors
    /// A value the domain refuses, or more remaining than the stock.
    pub fn into_record(self) -> Result<SaleRecord, InvalidRow> {
        let key = self.product_id.lossy();
        let row = RowKey {
            table: "sales",
            key: &key,
        };
        let product = row.id(&self.product_id, ProductId::parse)?;
        let window = SaleWindow::new(
            Timestamp::from_millis(self.starts_at_ms),
            Timestamp::from_millis(self.ends_at_ms),
        )
        .map_err(row.bad())?;
        let limit = Quantity::new(self.per_user_limit).map_err(row.bad())?;
        let payment_window =
            PaymentWindow::from_secs(self.payment_window_secs).map_err(row.bad())?;
        let sale = Sale::new(product, self.name.as_str(), self.stock, window)
            .map_err(row.bad())?
            .with_per_user_limit(limit)
            .with_payment_window(payment_window)
            .with_rebuy_after_cancel(self.rebuy_after_cancel)
            .with_paused(self.paused);
        if self.remaining > self.stock {
            return Err(row.bad()(format!(
                "remaining {} exceeds the stock of {}",
                self.remaining, self.stock
            )));
        }
        Ok(SaleRecord {
            sale,
            remaining: self.remaining,
        })
    }
}

impl<Id: IdColumn> SaleStockRow<Id> {
    /// The product, its remaining stock and its payment window.
    ///
    /// # Errors
    /// A value the domain refuses.
    pub fn into_stock(self) -> Result<(ProductId, SaleStock), InvalidRow> {
        let key = self.product_id.lossy();
        let row = RowKey {
            table: "sales",
            key: &key,
        };
        let stock = SaleStock {
            remaining: self.remaining,
            payment_window: PaymentWindow::from_secs(self.payment_window_secs)
                .map_err(row.bad())?,
        };
        Ok((row.id(&self.product_id, ProductId::parse)?, stock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sale_row() -> SaleRow<Vec<u8>> {
        SaleRow {
            product_id: b"p1".to_vec(),
            name: "Phone".to_owned(),
            stock: 10,
            remaining: 4,
            starts_at_ms: 100,
            ends_at_ms: 200,
            per_user_limit: 2,
            payment_window_secs: 60,
            rebuy_after_cancel: true,
            paused: false,
        }
    }

    #[test]
    fn a_valid_sale_row_becomes_a_record() {
        let record = sale_row().into_record().expect("valid");
        assert_eq!(record.remaining, 4);
        assert_eq!(record.sale.product_id().as_str(), "p1");
        assert_eq!(record.sale.per_user_limit().get(), 2);
        assert_eq!(record.sale.window().ends_at(), Timestamp::from_millis(200));
        assert_eq!(record.sale.payment_window().secs(), 60);
        assert!(record.sale.rebuy_after_cancel());
    }

    #[test]
    fn a_sale_row_the_domain_refuses_is_reported_not_panicked_on() {
        let mut row = sale_row();
        row.ends_at_ms = 100;
        let error = row.into_record().expect_err("empty window");
        assert_eq!(error.table, "sales");
        assert_eq!(error.key, "p1");
        let mut row = sale_row();
        row.remaining = 11;
        assert!(row.into_record().is_err());
        let mut row = sale_row();
        row.product_id = b"p 1".to_vec();
        assert!(row.into_record().is_err());
        let mut row = sale_row();
        row.product_id = vec![b'p', 0xff];
        assert!(row.into_record().is_err());
    }

    #[test]
    fn a_text_id_is_parsed_as_is() {
        let row = SaleStockRow {
            product_id: "p 1".to_owned(),
            remaining: 1,
            payment_window_secs: 60,
        };
        let error = row
            .into_stock()
            .expect_err("a product id the domain refuses");
        assert_eq!(error.key, "p 1");
    }
}
