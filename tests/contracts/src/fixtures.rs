//! Ids, sales and reservations unique to one contract run.

use std::time::{SystemTime, UNIX_EPOCH};

use flashsale_application::ports::StockSnapshot;
use flashsale_domain::{
    ProductId, Quantity, RequestId, Reservation, ReservationRequest, RestockId, Sale, SaleWindow,
    Timestamp, UserId,
};

/// Makes ids unique to a scope.
#[derive(Debug, Clone)]
pub struct Fixtures {
    scope: String,
}

pub fn now() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    Timestamp::from_millis(i64::try_from(millis).unwrap())
}

impl Fixtures {
    pub fn new(scope: &str) -> Self {
        Self {
            scope: scope.to_owned(),
        }
    }

    pub fn product(&self, name: &str) -> ProductId {
        ProductId::parse(format!("{}-{name}", self.scope)).unwrap()
    }

    pub fn user(&self, n: usize) -> UserId {
        UserId::parse(format!("{}-u{n}", self.scope)).unwrap()
    }

    pub fn request(&self, name: &str) -> RequestId {
        RequestId::parse(format!("{}-r{name}", self.scope)).unwrap()
    }

    pub fn restock(&self, name: &str) -> RestockId {
        RestockId::parse(format!("{}-s{name}", self.scope)).unwrap()
    }

    /// A sale of `name` with `stock` units and `limit` per user, open from `from` to `to`
    /// milliseconds relative to now.
    pub fn sale(&self, name: &str, stock: u32, limit: u32, from: i64, to: i64) -> Sale {
        let now = now().as_millis();
        let window = SaleWindow::new(
            Timestamp::from_millis(now + from),
            Timestamp::from_millis(now + to),
        )
        .unwrap();
        Sale::new(self.product(name), format!("Product {name}"), stock, window)
            .unwrap()
            .with_per_user_limit(Quantity::new(limit).unwrap())
    }

    pub fn open_sale(&self, name: &str, stock: u32) -> Sale {
        self.sale(name, stock, 1, -60_000, 3_600_000)
    }

    pub fn fresh(sale: &Sale) -> StockSnapshot {
        StockSnapshot {
            sale: sale.clone(),
            remaining: sale.stock(),
            buyers: Vec::new(),
            barred: Vec::new(),
        }
    }

    pub fn ask(
        &self,
        product: &ProductId,
        user: usize,
        request: &str,
        quantity: u32,
    ) -> ReservationRequest {
        ReservationRequest {
            request_id: self.request(request),
            user_id: self.user(user),
            product_id: product.clone(),
            quantity: Quantity::new(quantity).unwrap(),
        }
    }

    pub fn reservation(&self, product: &ProductId, user: usize, request: &str) -> Reservation {
        Reservation {
            request_id: self.request(request),
            user_id: self.user(user),
            product_id: product.clone(),
            quantity: Quantity::ONE,
            reserved_at: now(),
        }
    }
}
