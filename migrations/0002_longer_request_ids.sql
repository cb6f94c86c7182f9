-- Request ids carry their product: `<product id>.<32 hex digits>`, up to 128 characters (the
-- domain's MAX_REQUEST_ID_LEN), so a buyer's poll finds a pending purchase beside its product's
-- stock in the stock gate. Same binary collation as every other id.
ALTER TABLE orders
    MODIFY request_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
