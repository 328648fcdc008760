"""Outgoing webhooks: the outbox writes add to (`outbox`), the endpoints admins manage
(`endpoints`), and the worker that delivers (`delivery`)."""
