//! The stock gate, timed: `flashsale_stock_gate_duration_seconds{op, outcome}`.

use std::net::IpAddr;
use std::time::Instant;

use flashsale_application::ports::{
    LoadOutcome, ReserveOutcome, StockGate, StockGateError, StockSnapshot, Withdrawal,
};
use flashsale_domain::{
    Order, ProductId, Refusal, Release, RequestId, Reservation, ReservationRequest, RestockId,
    SaleWindow, Timestamp, UserId,
};

use crate::measured::{seconds_since, Measured};
use crate::names::STOCK_GATE_DURATION;

fn record(op: &'static str, outcome: &'static str, start: Instant) {
    metrics::histogram!(STOCK_GATE_DURATION, "op" => op, "outcome" => outcome)
        .record(seconds_since(start));
}

/// `ok`, or the error's label.
fn plain<T>(result: &Result<T, StockGateError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(error) => error_label(error),
    }
}

fn error_label(error: &StockGateError) -> &'static str {
    match error {
        StockGateError::UnknownProduct(_) => "unknown_product",
        StockGateError::Unavailable(_) => "error",
        StockGateError::OutcomeUnknown(_) => "outcome_unknown",
        StockGateError::Cancelled(_) => "cancelled",
    }
}

fn reserve_label(result: &Result<ReserveOutcome, StockGateError>) -> &'static str {
    match result {
        Ok(Ok(_)) => "reserved",
        Ok(Err(Refusal::NotStarted)) => "not_started",
        Ok(Err(Refusal::Ended)) => "ended",
        Ok(Err(Refusal::Paused)) => "paused",
        Ok(Err(Refusal::AlreadyPurchased)) => "already_purchased",
        Ok(Err(Refusal::AboveLimit { .. })) => "above_limit",
        Ok(Err(Refusal::SoldOut)) => "sold_out",
        Ok(Err(Refusal::RateLimited { .. })) => "rate_limited",
        Err(error) => error_label(error),
    }
}

fn release_label(result: &Result<Release, StockGateError>) -> &'static str {
    match result {
        Ok(Release::Released) => "released",
        Ok(Release::NotHeld) => "not_held",
        Err(error) => error_label(error),
    }
}

fn withdrawal_label(result: &Result<Withdrawal, StockGateError>) -> &'static str {
    match result {
        Ok(Withdrawal::Withdrawn) => "withdrawn",
        Ok(Withdrawal::NotHeld) => "not_held",
        Ok(Withdrawal::Republished) => "republished",
        Err(error) => error_label(error),
    }
}

impl<G: StockGate> StockGate for Measured<G> {
    async fn reserve(
        &self,
        request: ReservationRequest,
        client: Option<IpAddr>,
        now: Timestamp,
    ) -> Result<ReserveOutcome, StockGateError> {
        let start = Instant::now();
        let result = self.inner().reserve(request, client, now).await;
        record("reserve", reserve_label(&result), start);
        result
    }

    async fn release(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        let start = Instant::now();
        let result = self.inner().release(reservation).await;
        record("release", release_label(&result), start);
        result
    }

    async fn withdraw(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        let start = Instant::now();
        let result = self.inner().withdraw(reservation).await;
        record("withdraw", withdrawal_label(&result), start);
        result
    }

    async fn cancel(&self, reservation: &Reservation) -> Result<Withdrawal, StockGateError> {
        let start = Instant::now();
        let result = self.inner().cancel(reservation).await;
        record("cancel", withdrawal_label(&result), start);
        result
    }

    async fn set_paused(&self, product: &ProductId, paused: bool) -> Result<bool, StockGateError> {
        let start = Instant::now();
        let result = self.inner().set_paused(product, paused).await;
        let outcome = match &result {
            Ok(true) => "set",
            Ok(false) => "unknown_product",
            Err(error) => error_label(error),
        };
        record("set_paused", outcome, start);
        result
    }

    async fn set_window(
        &self,
        product: &ProductId,
        window: SaleWindow,
    ) -> Result<bool, StockGateError> {
        let start = Instant::now();
        let result = self.inner().set_window(product, window).await;
        let outcome = match &result {
            Ok(true) => "set",
            Ok(false) => "unknown_product",
            Err(error) => error_label(error),
        };
        record("set_window", outcome, start);
        result
    }

    async fn add_units(
        &self,
        product: &ProductId,
        units: u32,
        restock: &RestockId,
    ) -> Result<bool, StockGateError> {
        let start = Instant::now();
        let result = self.inner().add_units(product, units, restock).await;
        let outcome = match &result {
            Ok(true) => "added",
            Ok(false) => "unknown_product",
            Err(error) => error_label(error),
        };
        record("add_units", outcome, start);
        result
    }

    async fn retire(
        &self,
        product: &ProductId,
        until: Timestamp,
        now: Timestamp,
    ) -> Result<(), StockGateError> {
        let start = Instant::now();
        let result = self.inner().retire(product, until, now).await;
        let outcome = match &result {
            Ok(()) => "retired",
            Err(error) => error_label(error),
        };
        record("retire", outcome, start);
        result
    }

    async fn claim_for_republish(&self, reservation: &Reservation) -> Result<bool, StockGateError> {
        let start = Instant::now();
        let result = self.inner().claim_for_republish(reservation).await;
        let outcome = match &result {
            Ok(true) => "claimed",
            Ok(false) => "not_held",
            Err(error) => error_label(error),
        };
        record("claim_for_republish", outcome, start);
        result
    }

    async fn restock(&self, order: &Order, may_buy_again: bool) -> Result<Release, StockGateError> {
        let start = Instant::now();
        let result = self.inner().restock(order, may_buy_again).await;
        record("restock", release_label(&result), start);
        result
    }

    async fn repair(
        &self,
        product: &ProductId,
        seen: u32,
        remaining: u32,
    ) -> Result<bool, StockGateError> {
        let start = Instant::now();
        let result = self.inner().repair(product, seen, remaining).await;
        let outcome = match &result {
            Ok(true) => "repaired",
            Ok(false) => "kept",
            Err(error) => error_label(error),
        };
        record("repair", outcome, start);
        result
    }

    async fn discard(&self, reservation: &Reservation) -> Result<Release, StockGateError> {
        let start = Instant::now();
        let result = self.inner().discard(reservation).await;
        record("discard", release_label(&result), start);
        result
    }

    async fn settle(&self, reservations: &[Reservation]) -> Result<(), StockGateError> {
        let start = Instant::now();
        let result = self.inner().settle(reservations).await;
        record("settle", plain(&result), start);
        result
    }

    async fn load(&self, snapshot: &StockSnapshot) -> Result<LoadOutcome, StockGateError> {
        let start = Instant::now();
        let result = self.inner().load(snapshot).await;
        let outcome = match &result {
            Ok(LoadOutcome::Loaded) => "loaded",
            Ok(LoadOutcome::KeptLive) => "kept_live",
            Err(error) => error_label(error),
        };
        record("load", outcome, start);
        result
    }

    async fn in_flight(&self, product: &ProductId) -> Result<Vec<Reservation>, StockGateError> {
        let start = Instant::now();
        let result = self.inner().in_flight(product).await;
        record("in_flight", plain(&result), start);
        result
    }

    async fn remaining(&self, products: &[ProductId]) -> Result<Vec<Option<u32>>, StockGateError> {
        let start = Instant::now();
        let result = self.inner().remaining(products).await;
        record("remaining", plain(&result), start);
        result
    }

    async fn pending(
        &self,
        product: &ProductId,
        request: &RequestId,
    ) -> Result<Option<Reservation>, StockGateError> {
        let start = Instant::now();
        let result = self.inner().pending(product, request).await;
        record("pending", plain(&result), start);
        result
    }

    async fn holder(
        &self,
        product: &ProductId,
        user: &UserId,
    ) -> Result<Option<RequestId>, StockGateError> {
        let start = Instant::now();
        let result = self.inner().holder(product, user).await;
        record("holder", plain(&result), start);
        result
    }

    async fn in_flight_count(&self, product: &ProductId) -> Result<u64, StockGateError> {
        let start = Instant::now();
        let result = self.inner().in_flight_count(product).await;
        record("in_flight_count", plain(&result), start);
        result
    }
}

#[cfg(test)]
mod tests {
    use flashsale_domain::{Quantity, RequestId, UserId};

    use super::*;
    use crate::testing::{capture, histogram_count, product, FakeGate};

    fn request() -> ReservationRequest {
        ReservationRequest {
            request_id: RequestId::parse("r-1").expect("id"),
            user_id: UserId::parse("alice").expect("id"),
            product_id: product(),
            quantity: Quantity::ONE,
        }
    }

    #[test]
    fn a_refused_reservation_is_timed_with_its_refusal() {
        let gate = Measured::new(FakeGate::refusing(Refusal::SoldOut));
        let (result, snapshot) = capture(gate.reserve(request(), None, Timestamp::from_millis(0)));
        assert_eq!(result, Ok(Err(Refusal::SoldOut)));
        let labels = [("op", "reserve"), ("outcome", "sold_out")];
        assert_eq!(histogram_count(&snapshot, STOCK_GATE_DURATION, &labels), 1);
    }

    #[test]
    fn a_failing_gate_is_timed_as_an_error_and_the_error_passes_through() {
        let gate = Measured::new(FakeGate::failing());
        let (result, snapshot) = capture(gate.remaining(&[product()]));
        assert!(matches!(result, Err(StockGateError::Unavailable(_))));
        let labels = [("op", "remaining"), ("outcome", "error")];
        assert_eq!(histogram_count(&snapshot, STOCK_GATE_DURATION, &labels), 1);
    }

    #[test]
    fn a_reservation_is_timed_as_reserved() {
        let gate = Measured::new(FakeGate::reserving());
        let (result, snapshot) = capture(gate.reserve(request(), None, Timestamp::from_millis(0)));
        assert!(matches!(result, Ok(Ok(_))));
        let labels = [("op", "reserve"), ("outcome", "reserved")];
        assert_eq!(histogram_count(&snapshot, STOCK_GATE_DURATION, &labels), 1);
    }
}
