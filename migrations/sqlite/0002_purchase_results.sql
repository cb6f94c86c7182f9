-- The final results of purchases (the application's ResultStore port), so that a single-process
-- profile keeps what buyers poll in its file rather than in RAM. Pending purchases are not here:
-- the stock gate's in-flight record is their state. Written by `SqliteStore`'s
-- `ResultStore::save`, one `BEGIN IMMEDIATE` transaction per worker batch; rows older than a
-- cutoff are deleted by `SqliteStore::purge_results_before`.

-- One final record per request: the first final state stored wins, except that a success
-- replaces the `queue_unavailable` failure of the same request (`Purchase::supersedes`).
-- * The purchase's fields are columns, not an encoded string: `outcome` says which of the
--   state's columns are set (`order_id` and the optional `payment_deadline_ms` for a success,
--   `failure_reason` for a failure), and the CHECKs refuse any other combination.
-- * `written_at_ms`: when the row was last written (stored or replaced), by the database's
--   clock in milliseconds since the Unix epoch; the purge deletes by it.
CREATE TABLE purchase_results (
    request_id          TEXT    NOT NULL PRIMARY KEY,
    user_id             TEXT    NOT NULL,
    product_id          TEXT    NOT NULL,
    quantity            INTEGER NOT NULL,
    accepted_at_ms      INTEGER NOT NULL,
    outcome             TEXT    NOT NULL,
    order_id            TEXT    NULL,
    payment_deadline_ms INTEGER NULL,
    failure_reason      TEXT    NULL,
    written_at_ms       INTEGER NOT NULL,
    CONSTRAINT purchase_results_quantity_positive CHECK (quantity > 0),
    CONSTRAINT purchase_results_known_outcome CHECK (outcome IN ('succeeded', 'failed')),
    CONSTRAINT purchase_results_success_has_order
        CHECK ((outcome = 'succeeded') = (order_id IS NOT NULL)),
    CONSTRAINT purchase_results_failure_has_reason
        CHECK ((outcome = 'failed') = (failure_reason IS NOT NULL)),
    CONSTRAINT purchase_results_deadline_of_success
        CHECK (payment_deadline_ms IS NULL OR outcome = 'succeeded'),
    CONSTRAINT purchase_results_known_reason CHECK (failure_reason IS NULL OR failure_reason IN
        ('sold_out', 'already_purchased', 'unknown_sale', 'queue_unavailable', 'abandoned',
         'rejected'))
) STRICT;

-- The purge: rows written before a cutoff, oldest first.
CREATE INDEX purchase_results_by_age ON purchase_results (written_at_ms);

-- Each buyer's latest final request per product: the request whose record was stored last
-- (set in the transaction that stores it). Deleting a record deletes the pointers to it, so the
-- purge of records needs nothing more and a pointer never outlives its record.
CREATE TABLE buyer_latest_results (
    user_id    TEXT NOT NULL,
    product_id TEXT NOT NULL,
    request_id TEXT NOT NULL REFERENCES purchase_results (request_id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, product_id)
) STRICT;

-- The foreign key's cascade: the pointers to a deleted record.
CREATE INDEX buyer_latest_results_of_request ON buyer_latest_results (request_id);
