-- Sales and orders: the system of record of the flash sale.
--
-- Portable on purpose: this file runs unchanged on MariaDB 10.11+ and MySQL 8.0.16+ (no
-- RETURNING, no `INSERT ... AS alias`, no engine-specific types). Both tables are InnoDB, for
-- transactions, row locks and foreign keys, and utf8mb4.
--
-- Identifiers (product, user, request, order ids) are at most 64 ASCII characters of
-- [A-Za-z0-9._-] (the domain refuses anything else), stored as VARCHAR(64) with the binary
-- collation utf8mb4_bin: the domain compares ids byte for byte, so "P1" and "p1" are two
-- products here too (the database's default collation would be case-insensitive and merge them).
--
-- Times are BIGINT milliseconds since the Unix epoch (UTC), exactly the domain's `Timestamp`:
-- they round-trip without loss, do not depend on the session time zone, and are not subject to
-- TIMESTAMP's 2038 limit or to the DATETIME differences between the two servers. For a readable
-- view, use FROM_UNIXTIME(starts_at_ms / 1000).

-- One row per sale; `remaining` is the stock not yet turned into orders.
--
-- How the store prevents oversell: a batch locks its sales rows (SELECT ... FOR UPDATE, in
-- product id order so two batches never wait on each other crosswise), then takes stock with a
-- conditional decrement,
--     UPDATE sales SET remaining = remaining - ? WHERE product_id = ? AND remaining >= ?
-- and checks that one row was affected. A decrement that would go below zero matches no row and
-- the batch is rolled back. UNSIGNED and the CHECK constraints are a last guard: even a buggy
-- statement cannot store a negative or larger-than-stock `remaining`.
CREATE TABLE sales (
    product_id     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name           VARCHAR(200) NOT NULL,
    stock          INT UNSIGNED NOT NULL,
    remaining      INT UNSIGNED NOT NULL,
    starts_at_ms   BIGINT NOT NULL,
    ends_at_ms     BIGINT NOT NULL,
    per_user_limit INT UNSIGNED NOT NULL,
    -- When the row was written, by the server's clock; for operators, never read by the domain.
    created_at_ms  BIGINT NOT NULL,
    PRIMARY KEY (product_id),
    -- `list` orders by start time, then product id.
    KEY sales_by_start (starts_at_ms, product_id),
    CONSTRAINT sales_remaining_within_stock CHECK (remaining <= stock),
    CONSTRAINT sales_window_not_empty CHECK (ends_at_ms > starts_at_ms),
    CONSTRAINT sales_limit_positive CHECK (per_user_limit > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per order: a reservation that became an order in the same transaction as its stock
-- decrement.
--
-- The unique keys are the idempotency guarantees, enforced by the database even when two
-- workers race:
-- * `request_id` UNIQUE: a redelivered queue message cannot create a second order; the store
--   looks the request up first and answers with the order it already has.
-- * (user_id, product_id) UNIQUE: one order per buyer per product. Two workers that both miss
--   the other's uncommitted order collide on this key; the loser's transaction fails and rolls
--   back, and its retry finds the winner's order.
CREATE TABLE orders (
    order_id      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    request_id    VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    user_id       VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    product_id    VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    quantity      INT UNSIGNED NOT NULL,
    status        ENUM('pending_payment', 'paid', 'cancelled', 'expired') NOT NULL
                  DEFAULT 'pending_payment',
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (order_id),
    UNIQUE KEY orders_request (request_id),
    -- Also serves the store's lookup of a batch's buyers (user_id leads).
    UNIQUE KEY orders_buyer (user_id, product_id),
    -- Snapshots read the buyers of each product; the foreign key needs it too.
    KEY orders_by_product (product_id),
    CONSTRAINT orders_sale FOREIGN KEY (product_id) REFERENCES sales (product_id),
    CONSTRAINT orders_quantity_positive CHECK (quantity > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
