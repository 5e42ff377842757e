"""The Orders module: carts, checkout and order management."""
