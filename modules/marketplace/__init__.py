"""The Marketplace module: one storefront selling many vendors' stock, with commissions."""
