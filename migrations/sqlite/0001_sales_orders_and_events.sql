-- The SQLite system of record: sales, orders, the order-events outbox and restocks, in one
-- file. The same tables, columns and keys as the MySQL schema after its migrations 0001-0007
-- (`migrations/*.sql`, where each design choice is explained), in one initial file since no
-- SQLite database has shipped yet. Applied by `SqliteStore::migrate` (sqlx, `_sqlx_migrations`).
--
-- What differs from MySQL, and why:
-- * Types: SQLite stores INTEGER and TEXT. Ids are TEXT with the default BINARY collation, so
--   they compare byte for byte as the domain does ("P1" and "p1" are two products). Booleans
--   are 0/1. There is no UNSIGNED and no ENUM: CHECK constraints stand in for both, so even a
--   buggy statement cannot store a negative stock, a stock below `remaining`, or an unknown
--   status. Tables are STRICT: a value of the wrong type is refused, not silently converted.
-- * Times are INTEGER milliseconds since the Unix epoch (UTC), the domain's `Timestamp`.
-- * Locking: SQLite has one writer at a time. The store opens every write transaction with
--   BEGIN IMMEDIATE, which takes the database's write lock before its first read, so the reads
--   a batch decides on cannot change before it commits (MySQL's SELECT ... FOR UPDATE). The
--   conditional decrement `... WHERE remaining >= ?` and the compare-and-sets on `status` stay,
--   as a second guard.
-- * `order_events.event_id` is INTEGER PRIMARY KEY AUTOINCREMENT: increasing, never reused.
-- * Foreign keys are enforced per connection (`PRAGMA foreign_keys = ON`, set by the store).

CREATE TABLE sales (
    product_id          TEXT    NOT NULL PRIMARY KEY,
    name                TEXT    NOT NULL,
    stock               INTEGER NOT NULL,
    remaining           INTEGER NOT NULL,
    starts_at_ms        INTEGER NOT NULL,
    ends_at_ms          INTEGER NOT NULL,
    per_user_limit      INTEGER NOT NULL,
    -- How long the sale's orders wait for payment, in seconds (the domain's PaymentWindow).
    payment_window_secs INTEGER NOT NULL DEFAULT 900,
    -- Whether a buyer whose order was cancelled or expired may buy the sale again.
    rebuy_after_cancel  INTEGER NOT NULL DEFAULT 0,
    -- Paused by an operator: a stock gate loaded from the database refuses buys.
    paused              INTEGER NOT NULL DEFAULT 0,
    -- When the row was written, by the database's clock; for operators, never read by the domain.
    created_at_ms       INTEGER NOT NULL,
    CONSTRAINT sales_remaining_within_stock CHECK (remaining BETWEEN 0 AND stock),
    CONSTRAINT sales_window_not_empty CHECK (ends_at_ms > starts_at_ms),
    CONSTRAINT sales_limit_positive CHECK (per_user_limit > 0),
    CONSTRAINT sales_payment_window_bounds CHECK (payment_window_secs BETWEEN 1 AND 604800),
    CONSTRAINT sales_flags_are_booleans CHECK (rebuy_after_cancel IN (0, 1) AND paused IN (0, 1))
) STRICT;

-- `list` orders by start time, then product id.
CREATE INDEX sales_by_start ON sales (starts_at_ms, product_id);

-- One row per order, inserted in the transaction that takes its stock.
-- * `request_id` UNIQUE: a redelivered request cannot create a second order.
-- * `active_user_id`: the buyer, while the order holds the buyer's place in the sale (set on
--   insert, cleared when the order is closed in a sale that allows buying again); UNIQUE with
--   the product, so one order per buyer per sale (NULLs never collide).
-- * `payment_id` UNIQUE: a payment pays at most one order.
CREATE TABLE orders (
    order_id            TEXT    NOT NULL PRIMARY KEY,
    request_id          TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    product_id          TEXT    NOT NULL REFERENCES sales (product_id),
    quantity            INTEGER NOT NULL,
    status              TEXT    NOT NULL DEFAULT 'pending_payment',
    created_at_ms       INTEGER NOT NULL,
    payment_deadline_ms INTEGER NOT NULL,
    payment_id          TEXT    NULL,
    active_user_id      TEXT    NULL,
    CONSTRAINT orders_quantity_positive CHECK (quantity > 0),
    CONSTRAINT orders_known_status
        CHECK (status IN ('pending_payment', 'paid', 'cancelled', 'expired')),
    CONSTRAINT orders_paid_has_payment CHECK ((status = 'paid') = (payment_id IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX orders_request ON orders (request_id);
CREATE UNIQUE INDEX orders_live_buyer ON orders (active_user_id, product_id);
CREATE UNIQUE INDEX orders_payment ON orders (payment_id);
-- The expiry worker: pending orders whose deadline passed, oldest first.
CREATE INDEX orders_due ON orders (status, payment_deadline_ms);
-- A buyer's orders, newest first, paged.
CREATE INDEX orders_of_buyer ON orders (user_id, created_at_ms, order_id);
-- A sale's orders, newest first, optionally of one status, paged by position; also serves the
-- snapshots' and audits' reads by product, and the foreign key.
CREATE INDEX orders_of_sale ON orders (product_id, created_at_ms, order_id);
CREATE INDEX orders_of_sale_by_status ON orders (product_id, status, created_at_ms, order_id);

-- The transactional outbox: one row per change of an order's status, inserted in the same
-- transaction as the change; the relay publishes unpublished rows by ascending event_id and
-- sets `published_at_ms`. Each row is a snapshot of the order after the change.
CREATE TABLE order_events (
    event_id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    order_id            TEXT    NOT NULL,
    request_id          TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    product_id          TEXT    NOT NULL,
    quantity            INTEGER NOT NULL,
    status              TEXT    NOT NULL,
    payment_id          TEXT    NULL,
    payment_deadline_ms INTEGER NOT NULL,
    occurred_at_ms      INTEGER NOT NULL,
    published_at_ms     INTEGER NULL,
    CONSTRAINT order_events_known_status
        CHECK (status IN ('pending_payment', 'paid', 'cancelled', 'expired'))
) STRICT;

CREATE INDEX order_events_unpublished ON order_events (published_at_ms, event_id);
CREATE INDEX order_events_of_order ON order_events (order_id, event_id);

-- One row per addition of units, by sale and the operator's restock id: inserted in the
-- transaction that grows `stock` and `remaining`, so a retried request adds nothing more.
CREATE TABLE sale_restocks (
    restock_id    TEXT    NOT NULL,
    product_id    TEXT    NOT NULL REFERENCES sales (product_id),
    units         INTEGER NOT NULL,
    -- When the row was written, by the database's clock; for operators, never read by the domain.
    created_at_ms INTEGER NOT NULL,
    PRIMARY KEY (product_id, restock_id)
) STRICT;
