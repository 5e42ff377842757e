"""The Catalog module: products, variants and categories a vendor sells."""
