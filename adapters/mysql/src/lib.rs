//! MySQL/MariaDB adapters: the order store and the sale catalog, with migrations.
