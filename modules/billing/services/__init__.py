"""Billing's business logic: tiers, subscriptions and their state machine, entitlements."""
