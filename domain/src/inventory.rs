//! One sale's stock and its buyers: the rules of reserving and releasing units.
//!
//! Every stock gate (the in-memory one, the Redis Lua script) implements exactly these rules, in
//! this order: the window first, then the per-user marker, then the limit, then the stock. A
//! refused attempt changes nothing.

use std::collections::HashSet;

use crate::holders::Holders;
use crate::{ProductId, Quantity, RequestId, Sale, SalePhase, Timestamp, UserId};

/// One buyer's attempt to reserve units of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRequest {
    /// The id the accepted purchase will be known by.
    pub request_id: RequestId,
    /// Who is buying.
    pub user_id: UserId,
    /// What they are buying.
    pub product_id: ProductId,
    /// How many units.
    pub quantity: Quantity,
}

/// Units taken from a sale's stock for one buyer, not yet persisted as an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The accepted purchase request.
    pub request_id: RequestId,
    /// The buyer.
    pub user_id: UserId,
    /// The product.
    pub product_id: ProductId,
    /// Units taken.
    pub quantity: Quantity,
    /// When the units were taken.
    pub reserved_at: Timestamp,
}

/// Why an attempt to reserve was refused. A refusal never consumes stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sale has not opened yet.
    NotStarted,
    /// The sale has closed.
    Ended,
    /// An operator paused the sale; buys are refused until it is resumed.
    Paused,
    /// This buyer already holds a reservation or an order for this product.
    AlreadyPurchased,
    /// More units than the sale's per-user limit.
    AboveLimit {
        /// The sale's per-user limit.
        limit: Quantity,
    },
    /// Not enough units left.
    SoldOut,
    /// Too many attempts from this client or buyer for this product: a rate limit of the stock
    /// gate refused it before any rule above was consulted (the inventory never says this).
    RateLimited {
        /// When a token will be there.
        retry_after: std::time::Duration,
    },
}

/// What releasing a reservation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// The units went back into stock and the buyer may try again.
    Released,
    /// Nothing: this reservation was already released, or never held.
    NotHeld,
}

/// Why a stored inventory cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    /// Remaining units plus held units exceed the sale's stock.
    #[error("remaining {remaining} plus {held} held units exceed the stock of {stock}")]
    MoreThanStock {
        /// Units left.
        remaining: u32,
        /// Units held by buyers.
        held: u64,
        /// The sale's stock.
        stock: u32,
    },
}

/// A sale's live state: units left and who holds the others.
#[derive(Debug, Clone)]
pub struct Inventory {
    sale: Sale,
    remaining: u32,
    holders: Holders,
    /// Buyers whose order was cancelled or expired and who may not buy this sale again: their
    /// units are back in stock, their marker stays.
    barred: HashSet<UserId>,
}

impl Inventory {
    /// A fresh sale: all units left, no buyers.
    pub fn open(sale: Sale) -> Self {
        Self {
            remaining: sale.stock(),
            holders: Holders::new(sale.product_id()),
            sale,
            barred: HashSet::new(),
        }
    }

    /// A sale already under way, from what a system of record knows.
    ///
    /// # Errors
    /// [`InventoryError::MoreThanStock`] when the numbers cannot belong to this sale.
    pub fn restore(
        sale: Sale,
        remaining: u32,
        holders: impl IntoIterator<Item = (UserId, RequestId, Quantity)>,
    ) -> Result<Self, InventoryError> {
        let mut markers = Holders::new(sale.product_id());
        for (user, request_id, quantity) in holders {
            markers.insert(&user, &request_id, quantity);
        }
        let held = markers.units();
        if u64::from(remaining) + held > u64::from(sale.stock()) {
            return Err(InventoryError::MoreThanStock {
                remaining,
                held,
                stock: sale.stock(),
            });
        }
        Ok(Self {
            sale,
            remaining,
            holders: markers,
            barred: HashSet::new(),
        })
    }

    /// The same inventory with these buyers barred from buying again (their orders were
    /// cancelled or expired, their units are in `remaining` already).
    pub fn with_barred(mut self, barred: impl IntoIterator<Item = UserId>) -> Self {
        self.barred.extend(barred);
        self
    }

    /// The sale this inventory belongs to.
    pub fn sale(&self) -> &Sale {
        &self.sale
    }

    /// Units left to reserve.
    pub fn remaining(&self) -> u32 {
        self.remaining
    }

    /// Number of buyers holding units.
    pub fn buyers(&self) -> usize {
        self.holders.len()
    }

    /// The request holding the buyer's units, if the buyer holds any.
    pub fn holder(&self, user: &UserId) -> Option<RequestId> {
        self.holders.request_of(user)
    }

    /// The reservation `request` already holds, when its buyer's units are held by this very
    /// request id (a retried reserve whose first answer was lost), reserved at `now` as far as
    /// this inventory knows (it does not keep the instant).
    pub fn replay(&self, request: &ReservationRequest, now: Timestamp) -> Option<Reservation> {
        let quantity = self
            .holders
            .held_by(&request.user_id, &request.request_id)?;
        Some(Reservation {
            request_id: request.request_id.clone(),
            user_id: request.user_id.clone(),
            product_id: request.product_id.clone(),
            quantity,
            reserved_at: now,
        })
    }

    /// Tries to take units for one buyer at `now`. Idempotent by request id: a request whose
    /// id already holds the buyer's units gets that reservation again ([`Self::replay`]),
    /// whatever the window or the stock say now, and nothing more is taken.
    ///
    /// # Errors
    /// A [`Refusal`] saying why nothing was taken; the inventory is then unchanged.
    pub fn reserve(
        &mut self,
        request: ReservationRequest,
        now: Timestamp,
    ) -> Result<Reservation, Refusal> {
        if let Some(held) = self.replay(&request, now) {
            return Ok(held);
        }
        match self.sale.window().phase(now) {
            SalePhase::NotStarted => return Err(Refusal::NotStarted),
            SalePhase::Ended => return Err(Refusal::Ended),
            SalePhase::Open => {}
        }
        if self.sale.is_paused() {
            return Err(Refusal::Paused);
        }
        if self.holders.contains(&request.user_id) || self.barred.contains(&request.user_id) {
            return Err(Refusal::AlreadyPurchased);
        }
        let limit = self.sale.per_user_limit();
        if request.quantity > limit {
            return Err(Refusal::AboveLimit { limit });
        }
        if request.quantity.get() > self.remaining {
            return Err(Refusal::SoldOut);
        }
        self.remaining -= request.quantity.get();
        self.holders
            .insert(&request.user_id, &request.request_id, request.quantity);
        Ok(Reservation {
            request_id: request.request_id,
            user_id: request.user_id,
            product_id: request.product_id,
            quantity: request.quantity,
            reserved_at: now,
        })
    }

    /// Pauses (`true`) or resumes the sale: while paused, every reserve is refused.
    pub fn set_paused(&mut self, paused: bool) {
        self.sale = self.sale.clone().with_paused(paused);
    }

    /// Puts `units` more on sale: the stock and the units left grow by as many.
    ///
    /// # Errors
    /// [`SaleError::TooMuchStock`](crate::SaleError::TooMuchStock) when the stock would exceed
    /// [`MAX_STOCK`](crate::MAX_STOCK); nothing changes then.
    pub fn add_units(&mut self, units: u32) -> Result<(), crate::SaleError> {
        self.sale = self.sale.clone().with_added_stock(units)?;
        self.remaining += units;
        Ok(())
    }

    /// Moves the sale's window (an operator closing it early or extending it).
    pub fn set_window(&mut self, window: crate::SaleWindow) {
        self.sale = self.sale.clone().with_window(window);
    }

    /// Gives a reservation's units back, exactly once however often it is called.
    pub fn release(&mut self, reservation: &Reservation) -> Release {
        self.end(reservation, true)
    }

    /// Drops a reservation without giving its units back, exactly once: for units the system of
    /// record does not have (it refused the order as sold out), which must not be offered again.
    pub fn discard(&mut self, reservation: &Reservation) -> Release {
        self.end(reservation, false)
    }

    /// Returns the units of a cancelled or expired order, exactly once: only while the buyer's
    /// units are held by the order's request. The buyer's marker goes; unless `may_buy_again`,
    /// the buyer stays barred from buying this sale again.
    pub fn restock(&mut self, user: &UserId, request: &RequestId, may_buy_again: bool) -> Release {
        if self.holders.held_by(user, request).is_none() {
            return Release::NotHeld;
        }
        if let Some(quantity) = self.holders.remove(user) {
            self.remaining = self.remaining.saturating_add(quantity.get());
        }
        if !may_buy_again {
            self.barred.insert(user.clone());
        }
        Release::Released
    }

    /// Takes back the units of a reservation that was released although its order exists (its
    /// publish was reported failed, yet the message arrived): the units leave the stock again
    /// (never below zero: units sold again meanwhile are the system of record's to refuse),
    /// and the buyer holds this request unless they hold another. The caller makes it
    /// exactly-once (it runs only for a reservation remembered as withdrawn).
    pub fn reclaim(&mut self, reservation: &Reservation) {
        self.remaining = self.remaining.saturating_sub(reservation.quantity.get());
        if !self.holders.contains(&reservation.user_id) {
            self.holders.insert(
                &reservation.user_id,
                &reservation.request_id,
                reservation.quantity,
            );
        }
    }

    /// Sets the units left to the system of record's count (a repair of a settled sale that
    /// drifted); refused (`false`) when that count and the units held exceed the stock.
    pub fn set_remaining(&mut self, remaining: u32) -> bool {
        if u64::from(remaining) + self.holders.units() > u64::from(self.sale.stock()) {
            return false;
        }
        self.remaining = remaining;
        true
    }

    fn end(&mut self, reservation: &Reservation, restock: bool) -> Release {
        let held = self
            .holders
            .held_by(&reservation.user_id, &reservation.request_id);
        if held.is_none() {
            return Release::NotHeld;
        }
        if let Some(quantity) = self.holders.remove(&reservation.user_id) {
            if restock {
                self.remaining = self.remaining.saturating_add(quantity.get());
            }
        }
        Release::Released
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SaleWindow;

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis(millis)
    }

    fn sale(stock: u32) -> Sale {
        let window = SaleWindow::new(at(100), at(200)).expect("valid");
        Sale::new(
            ProductId::parse("p").expect("valid"),
            "Phone",
            stock,
            window,
        )
        .expect("valid")
    }

    /// Another attempt of `user`'s: a new request id.
    fn another(user: &str, quantity: u32) -> ReservationRequest {
        let mut attempt = request(user, quantity);
        attempt.request_id = RequestId::parse(format!("r-{user}-2")).expect("valid");
        attempt
    }

    fn request(user: &str, quantity: u32) -> ReservationRequest {
        ReservationRequest {
            request_id: RequestId::parse(format!("r-{user}")).expect("valid"),
            user_id: UserId::parse(user).expect("valid"),
            product_id: ProductId::parse("p").expect("valid"),
            quantity: Quantity::new(quantity).expect("valid"),
        }
    }

    #[test]
    fn a_paused_sale_refuses_every_new_buy_until_resumed_and_keeps_replays() {
        let mut inventory = Inventory::open(sale(2));
        let held = inventory.reserve(request("a", 1), at(150)).expect("won");
        inventory.set_paused(true);
        assert!(inventory.sale().is_paused());
        assert_eq!(
            inventory.reserve(request("b", 1), at(150)),
            Err(Refusal::Paused)
        );
        assert_eq!(
            inventory.reserve(request("a", 1), at(150)),
            Ok(held),
            "a retried request id still gets its reservation"
        );
        assert_eq!(
            inventory.reserve(request("b", 1), at(250)),
            Err(Refusal::Ended),
            "the window is told first"
        );
        inventory.set_paused(false);
        assert!(inventory.reserve(request("b", 1), at(150)).is_ok());
        assert_eq!(inventory.remaining(), 0);
    }

    #[test]
    fn a_reclaimed_reservation_takes_its_units_and_marker_back_never_below_zero() {
        let mut inventory = Inventory::open(sale(1));
        let reservation = inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(inventory.release(&reservation), Release::Released);
        inventory.reclaim(&reservation);
        assert_eq!(inventory.remaining(), 0);
        assert_eq!(
            inventory.holder(&reservation.user_id),
            Some(reservation.request_id.clone())
        );
        let again = ReservationRequest {
            request_id: RequestId::parse("r-a-again").expect("valid"),
            ..request("a", 1)
        };
        assert_eq!(
            inventory.reserve(again, at(150)),
            Err(Refusal::AlreadyPurchased),
            "the buyer holds the unit again"
        );
        // Sold again meanwhile: the stock stays at zero, the other buyer keeps their marker.
        let mut resold = Inventory::open(sale(1));
        let first = resold.reserve(request("a", 1), at(150)).expect("reserved");
        resold.release(&first);
        let second = resold.reserve(request("b", 1), at(150)).expect("reserved");
        resold.reclaim(&first);
        assert_eq!(resold.remaining(), 0);
        assert_eq!(
            resold.holder(&second.user_id),
            Some(second.request_id.clone())
        );
        assert_eq!(
            resold.holder(&first.user_id),
            Some(first.request_id.clone())
        );
    }

    #[test]
    fn a_restock_returns_an_orders_units_once_and_bars_the_buyer_unless_allowed() {
        let mut inventory = Inventory::open(sale(1));
        let won = inventory.reserve(request("a", 1), at(150)).expect("won");
        let (user, request_id) = (won.user_id.clone(), won.request_id.clone());
        assert_eq!(
            inventory.restock(&user, &request_id, false),
            Release::Released
        );
        assert_eq!(inventory.remaining(), 1);
        assert_eq!(
            inventory.restock(&user, &request_id, false),
            Release::NotHeld,
            "exactly once"
        );
        assert_eq!(inventory.remaining(), 1);
        assert_eq!(inventory.holder(&user), None);
        assert_eq!(
            inventory.reserve(another("a", 1), at(151)),
            Err(Refusal::AlreadyPurchased),
            "barred"
        );
        let resold = inventory.reserve(request("b", 1), at(151)).expect("resold");
        assert_eq!(inventory.remaining(), 0);

        let mut lenient = Inventory::open(sale(1));
        lenient.reserve(request("a", 1), at(150)).expect("won");
        lenient.restock(&user, &request_id, true);
        lenient
            .reserve(another("a", 1), at(151))
            .expect("may buy again");
        assert_eq!(
            lenient.restock(&user, &request_id, true),
            Release::NotHeld,
            "the old order's restock does not return the new one's unit"
        );
        assert_eq!(lenient.remaining(), 0);

        let restored = Inventory::restore(sale(1), 1, [])
            .expect("valid")
            .with_barred([user]);
        let mut restored = restored;
        assert_eq!(
            restored.reserve(another("a", 1), at(151)),
            Err(Refusal::AlreadyPurchased)
        );
        assert_eq!(resold.quantity, Quantity::ONE);
    }

    #[test]
    fn an_open_sale_with_stock_reserves_and_decrements() {
        let mut inventory = Inventory::open(sale(2));
        let reservation = inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(reservation.reserved_at, at(150));
        assert_eq!(inventory.remaining(), 1);
        assert_eq!(inventory.buyers(), 1);
    }

    #[test]
    fn a_sale_refuses_before_it_starts_and_after_it_ends() {
        let mut inventory = Inventory::open(sale(2));
        assert_eq!(
            inventory.reserve(request("a", 1), at(99)),
            Err(Refusal::NotStarted)
        );
        assert_eq!(
            inventory.reserve(request("a", 1), at(200)),
            Err(Refusal::Ended)
        );
        assert_eq!(inventory.remaining(), 2);
    }

    #[test]
    fn a_second_attempt_by_the_same_buyer_is_refused() {
        let mut inventory = Inventory::open(sale(5));
        inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(
            inventory.reserve(another("a", 1), at(151)),
            Err(Refusal::AlreadyPurchased)
        );
        assert_eq!(inventory.remaining(), 4);
    }

    #[test]
    fn more_than_the_per_user_limit_is_refused() {
        let mut inventory = Inventory::open(sale(5));
        assert_eq!(
            inventory.reserve(request("a", 2), at(150)),
            Err(Refusal::AboveLimit {
                limit: Quantity::ONE
            })
        );
        assert_eq!(inventory.remaining(), 5);
    }

    #[test]
    fn the_last_unit_goes_to_one_buyer_and_the_next_is_told_sold_out() {
        let mut inventory = Inventory::open(sale(1));
        inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(
            inventory.reserve(request("b", 1), at(150)),
            Err(Refusal::SoldOut)
        );
        assert_eq!(inventory.remaining(), 0);
    }

    #[test]
    fn a_release_returns_stock_exactly_once() {
        let mut inventory = Inventory::open(sale(1));
        let reservation = inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(inventory.release(&reservation), Release::Released);
        assert_eq!(inventory.release(&reservation), Release::NotHeld);
        assert_eq!(inventory.remaining(), 1);
        assert_eq!(inventory.buyers(), 0);
    }

    #[test]
    fn a_discard_frees_the_buyer_exactly_once_but_returns_no_stock() {
        let mut inventory = Inventory::open(sale(2));
        let reservation = inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        assert_eq!(inventory.discard(&reservation), Release::Released);
        assert_eq!(inventory.discard(&reservation), Release::NotHeld);
        assert_eq!(inventory.release(&reservation), Release::NotHeld);
        assert_eq!((inventory.remaining(), inventory.buyers()), (1, 0));
    }

    #[test]
    fn releasing_an_older_request_does_not_free_a_newer_one() {
        let mut inventory = Inventory::open(sale(2));
        let first = inventory
            .reserve(request("a", 1), at(150))
            .expect("reserved");
        inventory.release(&first);
        let mut again = request("a", 1);
        again.request_id = RequestId::parse("r-a-2").expect("valid");
        inventory.reserve(again, at(151)).expect("reserved again");
        assert_eq!(inventory.release(&first), Release::NotHeld);
        assert_eq!(inventory.remaining(), 1);
    }

    #[test]
    fn a_retried_request_id_gets_its_reservation_again_and_takes_nothing() {
        let mut inventory = Inventory::open(sale(5));
        let first = inventory.reserve(request("alice", 1), at(150)).expect("ok");
        let again = inventory
            .reserve(request("alice", 1), at(250))
            .expect("replayed");
        assert_eq!(
            (again.request_id, again.quantity),
            (first.request_id, first.quantity)
        );
        assert_eq!((inventory.remaining(), inventory.buyers()), (4, 1));
        assert_eq!(
            inventory.reserve(another("alice", 1), at(150)),
            Err(Refusal::AlreadyPurchased)
        );
    }

    #[test]
    fn a_restored_inventory_remembers_its_buyers() {
        let holder = (
            UserId::parse("a").expect("valid"),
            RequestId::parse("r-a").expect("valid"),
            Quantity::ONE,
        );
        let mut inventory = Inventory::restore(sale(3), 2, [holder]).expect("consistent");
        assert_eq!(
            inventory.reserve(another("a", 1), at(150)),
            Err(Refusal::AlreadyPurchased)
        );
        assert_eq!(inventory.remaining(), 2);
    }

    #[test]
    fn a_restore_with_more_units_than_the_stock_is_refused() {
        let holder = (
            UserId::parse("a").expect("valid"),
            RequestId::parse("r-a").expect("valid"),
            Quantity::ONE,
        );
        assert!(matches!(
            Inventory::restore(sale(3), 3, [holder]),
            Err(InventoryError::MoreThanStock { .. })
        ));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::SaleWindow;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[derive(Debug, Clone)]
    enum Step {
        Reserve { user: u8, quantity: u32, at: i64 },
        ReleaseNth(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            4 => (0u8..20, 1u32..4, 50i64..250)
                .prop_map(|(user, quantity, at)| Step::Reserve { user, quantity, at }),
            1 => (0usize..50).prop_map(Step::ReleaseNth),
        ]
    }

    proptest! {
        /// Orders never exceed stock, one per user, and a refused attempt never consumes stock.
        #[test]
        fn the_inventory_never_oversells_nor_sells_twice(
            stock in 0u32..30,
            limit in 1u32..4,
            steps in proptest::collection::vec(step(), 0..200),
        ) {
            let window = SaleWindow::new(Timestamp::from_millis(100), Timestamp::from_millis(200))
                .expect("valid");
            let sale = Sale::new(ProductId::parse("p").expect("valid"), "x", stock, window)
                .expect("valid")
                .with_per_user_limit(Quantity::new(limit).expect("valid"));
            let mut inventory = Inventory::open(sale);
            let mut held: Vec<Reservation> = Vec::new();
            for (n, step) in steps.into_iter().enumerate() {
                let before = inventory.remaining();
                match step {
                    Step::Reserve { user, quantity, at } => {
                        let request = ReservationRequest {
                            request_id: RequestId::parse(format!("r{n}")).expect("valid"),
                            user_id: UserId::parse(format!("u{user}")).expect("valid"),
                            product_id: ProductId::parse("p").expect("valid"),
                            quantity: Quantity::new(quantity).expect("valid"),
                        };
                        match inventory.reserve(request, Timestamp::from_millis(at)) {
                            Ok(reservation) => {
                                prop_assert_eq!(inventory.remaining(), before - quantity);
                                held.push(reservation);
                            }
                            Err(_) => prop_assert_eq!(inventory.remaining(), before),
                        }
                    }
                    Step::ReleaseNth(i) if !held.is_empty() => {
                        let reservation = held.remove(i % held.len());
                        prop_assert_eq!(inventory.release(&reservation), Release::Released);
                        prop_assert_eq!(inventory.release(&reservation), Release::NotHeld);
                    }
                    Step::ReleaseNth(_) => {}
                }
                let taken: u32 = held.iter().map(|r| r.quantity.get()).sum();
                prop_assert_eq!(taken + inventory.remaining(), stock);
                let users: HashSet<_> = held.iter().map(|r| r.user_id.clone()).collect();
                prop_assert_eq!(users.len(), held.len());
                prop_assert!(held.iter().all(|r| r.quantity.get() <= limit));
            }
        }
    }
}
