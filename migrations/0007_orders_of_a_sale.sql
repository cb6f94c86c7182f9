-- An operator's listing of a sale's orders (GET /api/v1/admin/sales/{productId}/orders): newest
-- first, optionally of one status, paged by position (the last order's creation time and id),
-- so every page is an index range scan however deep it is.
ALTER TABLE orders
    ADD KEY orders_of_sale (product_id, created_at_ms, order_id),
    ADD KEY orders_of_sale_by_status (product_id, status, created_at_ms, order_id);
