//! The stock snapshots of the sales, from their rows and their buyers' rows read in one
//! transaction.

use std::collections::HashMap;

use flashsale_application::ports::StockSnapshot;

use crate::{BuyerRow, IdColumn, InvalidRow, SaleRow};

/// Each sale's snapshot, in the order of `sales`: its remaining stock, its live buyers, and the
/// buyers its closed orders bar from buying again.
///
/// # Errors
/// A row the domain refuses.
pub fn stock_snapshots<Id: IdColumn>(
    sales: Vec<SaleRow<Id>>,
    buyer_rows: Vec<BuyerRow<Id>>,
) -> Result<Vec<StockSnapshot>, InvalidRow> {
    let mut buyers: HashMap<_, Vec<_>> = HashMap::new();
    let mut barred: HashMap<_, Vec<_>> = HashMap::new();
    for row in buyer_rows {
        let (live, bars) = (row.is_live(), row.bars_its_buyer());
        let (product, buyer) = row.into_buyer()?;
        if live {
            buyers.entry(product).or_default().push(buyer);
        } else if bars {
            barred.entry(product).or_default().push(buyer.0);
        }
    }
    sales
        .into_iter()
        .map(|row| {
            let record = row.into_record()?;
            Ok(StockSnapshot {
                buyers: buyers.remove(record.sale.product_id()).unwrap_or_default(),
                barred: barred.remove(record.sale.product_id()).unwrap_or_default(),
                sale: record.sale,
                remaining: record.remaining,
            })
        })
        .collect()
}
