"""Messaging's business logic: views, the API, receivers, the provider and tasks call these,
never the ORM directly for a change (``notifications``, ``deliveries``, ``composing``,
``templates``, ``senders``, ``conversations``)."""
