"""The store's one error."""


class StoreError(RuntimeError):
    """The database cannot be reached or is not in the expected state."""
