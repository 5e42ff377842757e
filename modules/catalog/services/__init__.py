"""The catalog's business rules. Views, the API, imports and tasks call these, never the ORM
directly: categories (the tree), products (with their variants), search and the storefront's
listings (with availability from the stock contract)."""
