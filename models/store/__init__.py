"""The store: every SQL statement of the project lives in this package."""

from models.store.base import Store
from models.store.errors import StoreError
from models.store.importing import ImportCounts, ImportWriter

__all__ = ["ImportCounts", "ImportWriter", "Store", "StoreError"]
