-- Payments: the payment provider's confirmation (the signed webhook) pays an order pending
-- payment, once.
--
-- * `orders.payment_id`: the provider's id of the payment that paid the order; NULL until it is
--   paid. Binary collation like every id (the domain compares ids byte for byte).
-- * `orders_payment (payment_id)` UNIQUE: a payment pays at most one order, even when two
--   confirmations naming the same payment and different orders race (the loser's UPDATE fails
--   on the key and is answered "payment used by another order"). NULLs never collide.
-- * `orders_paid_has_payment`: a paid order names its payment and no other order does, a last
--   guard under the adapter (before this migration nothing paid an order, so no row breaks it).
--
-- Paying is one statement, a compare-and-set that only an order still pending payment and
-- before its deadline matches:
--     UPDATE orders SET status = 'paid', payment_id = ?
--     WHERE order_id = ? AND status = 'pending_payment' AND payment_deadline_ms > now
-- so of a payment and an expiry (or a cancel) racing for one order exactly one wins: the
-- expiry's own compare-and-set needs `status = 'pending_payment'` too. Paying takes no stock
-- and gives none back: a paid order keeps its units (`sales.remaining` is unchanged).
ALTER TABLE orders
    ADD COLUMN payment_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    ADD UNIQUE KEY orders_payment (payment_id),
    ADD CONSTRAINT orders_paid_has_payment
        CHECK ((status = 'paid') = (payment_id IS NOT NULL));
