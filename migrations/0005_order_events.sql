-- Order events: the transactional outbox. Every change of an order's status (created as
-- pending_payment by a worker's batch, paid, cancelled, expired) inserts one row here in the SAME
-- transaction as the change, so an event exists exactly when its change committed: none is lost
-- when a process dies between the commit and the publish, none is invented for a rolled-back
-- change, and a compare-and-set that changed nothing (a retry, a lost race) writes none.
--
-- The relay (one worker at a time, under a lease) reads unpublished rows by ascending event_id,
-- publishes each to the order-events topic keyed by order_id, and sets published_at_ms once the
-- broker acknowledged it. Delivery is at least once: a row acknowledged and not yet marked is
-- published again; consumers dedupe by event_id (see docs/messages.md).
--
-- * `event_id` AUTO_INCREMENT: unique, and increasing along one order's changes (a change can
--   only be made once the one before it committed). Ids of different orders committed
--   concurrently may commit out of id order; the relay does not track a cursor but reads every
--   row still unpublished, so a late-committed lower id is picked up by the next pass.
-- * The row is a snapshot of the order after the change (same columns and collations as
--   `orders`), so the relay never joins `orders`, and an event stays as it was.
-- * `order_events_unpublished (published_at_ms, event_id)`: the relay's query,
--   "published_at_ms IS NULL ORDER BY event_id LIMIT n", reads only unpublished rows.
-- * `order_events_of_order (order_id, event_id)`: an order's events, for operators and tests.
--
-- Published rows are kept (an audit trail of every order's history); nothing purges them yet.
CREATE TABLE order_events (
    event_id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    order_id            VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    request_id          VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    user_id             VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    product_id          VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    quantity            INT UNSIGNED NOT NULL,
    status              ENUM('pending_payment', 'paid', 'cancelled', 'expired') NOT NULL,
    payment_id          VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    payment_deadline_ms BIGINT NOT NULL,
    occurred_at_ms      BIGINT NOT NULL,
    published_at_ms     BIGINT NULL,
    PRIMARY KEY (event_id),
    KEY order_events_unpublished (published_at_ms, event_id),
    KEY order_events_of_order (order_id, event_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
