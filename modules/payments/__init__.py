"""The Payments module: taking payments through a payment provider, refunds and payouts."""
