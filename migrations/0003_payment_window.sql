-- The payment window: a won unit is held for its buyer until the order's payment deadline;
-- an order cancelled or expired before it is paid gives its units back to the sale.
--
-- * `sales.payment_window_secs`: how long the sale's orders wait for payment (the domain's
--   PaymentWindow, 1 s to 7 days). Sales created before this migration get the default, 900 s.
-- * `orders.payment_deadline_ms`: `created_at_ms + payment window`, written with the order. An
--   order of an existing sale gets its creation plus 900 s: a pending order older than that
--   expires at the expiry worker's first pass.
-- * `orders_due (status, payment_deadline_ms)`: the expiry worker's query, "pending_payment with
--   a deadline at or before now, oldest first, LIMIT n", reads only the overdue rows.
-- * `orders_of_buyer (user_id, created_at_ms, order_id)`: a buyer's orders, newest first, paged
--   (it also serves the lookups by buyer that `orders_buyer` served).
-- * `sales.rebuy_after_cancel`: whether a buyer whose order was cancelled or expired may buy the
--   sale again (default: no).
-- * `orders.active_user_id`: the buyer, while the order holds the buyer's place in the sale: set
--   on insert, cleared when the order is closed in a sale that allows buying again. The unique
--   key `orders_live_buyer (active_user_id, product_id)` replaces `orders_buyer (user_id,
--   product_id)`: still one order per buyer per sale, counting closed orders unless the sale
--   allows buying again (NULLs never collide in a unique key).
--
-- Closing an order (cancel, expire) is one transaction: a compare-and-set
--     UPDATE orders SET status = ? WHERE order_id = ? AND status = 'pending_payment' [AND
--     payment_deadline_ms <= now]
-- that affects one row or none, and, only when it affected one, the units back:
--     UPDATE sales SET remaining = remaining + quantity WHERE product_id = ?
-- so of any number of concurrent closers, exactly one returns the units. `sales.remaining`
-- counts the units of no live order: stock = remaining + units of pending_payment and paid
-- orders.
ALTER TABLE sales
    ADD COLUMN payment_window_secs INT UNSIGNED NOT NULL DEFAULT 900,
    ADD COLUMN rebuy_after_cancel BOOLEAN NOT NULL DEFAULT FALSE,
    ADD CONSTRAINT sales_payment_window_bounds
        CHECK (payment_window_secs BETWEEN 1 AND 604800);

ALTER TABLE orders
    ADD COLUMN payment_deadline_ms BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN active_user_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;

UPDATE orders SET payment_deadline_ms = created_at_ms + 900000, active_user_id = user_id;

ALTER TABLE orders
    ALTER COLUMN payment_deadline_ms DROP DEFAULT,
    ADD KEY orders_due (status, payment_deadline_ms),
    ADD KEY orders_of_buyer (user_id, created_at_ms, order_id),
    ADD UNIQUE KEY orders_live_buyer (active_user_id, product_id),
    DROP INDEX orders_buyer;
