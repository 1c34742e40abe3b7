"""Webhooks: subscriptions, signing, and the dispatcher that delivers the outbox (its schedule: domain.deliveries)."""
