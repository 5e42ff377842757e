"""The Billing module: invoices and subscriptions charged through payments."""
