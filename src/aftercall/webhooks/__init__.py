"""Webhooks: subscriptions, signing, the retry schedule, and the dispatcher that delivers the outbox."""
