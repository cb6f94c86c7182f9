-- An operator may pause a sale (POST /api/v1/admin/sales/{productId}/pause): the stock gate
-- refuses buys while it is paused. The gate is told first; this column is what a gate loaded
-- from the database (a restart, a Redis that lost its data) pauses the sale from.
ALTER TABLE sales ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
