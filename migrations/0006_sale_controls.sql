-- An operator's controls of a sale.
--
-- `paused`: an operator may pause a sale (POST /api/v1/admin/sales/{productId}/pause): the
-- stock gate refuses buys while it is paused. The gate is told first; this column is what a
-- gate loaded from the database (a restart, a Redis that lost its data) pauses the sale from.
ALTER TABLE sales ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per addition of units (POST /api/v1/admin/sales/{productId}/units), by the sale and
-- the id the operator's request names: inserted in the transaction that grows `stock` and
-- `remaining`, so a retried or doubled request adds nothing more (and the same id with other
-- units is refused by comparing `units`).
CREATE TABLE sale_restocks (
    restock_id    VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    product_id    VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    units         INT UNSIGNED NOT NULL,
    -- When the row was written, by the server's clock; for operators, never read by the domain.
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (product_id, restock_id),
    CONSTRAINT sale_restocks_sale FOREIGN KEY (product_id) REFERENCES sales (product_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
