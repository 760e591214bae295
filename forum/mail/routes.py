"""The unsubscribe page and the admins' view of the outbox (filled by the mail feature)."""
