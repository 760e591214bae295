"""Email: the outbox (rows committed with their event, sent by the worker) and handing messages to SMTP.
Pages (unsubscribe, the admins' view) come with the features that need them."""
