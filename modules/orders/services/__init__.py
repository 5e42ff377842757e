"""Orders' business logic: views, the API, tasks and commands call these, never the ORM
directly for a change (``carts``, ``orders``, ``checkout``, ``queries``)."""
