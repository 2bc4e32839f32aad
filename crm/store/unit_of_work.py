"""The handles the store gives use cases for one unit of work.

``Database.transaction()`` and ``reading()`` yield a `Session`; a bulk writer works on its
`Connection`. Use cases name these types (to pass them on to store functions) and nothing
else of SQLAlchemy: queries and statements live in the store.
"""

from sqlalchemy import Connection as Connection
from sqlalchemy.orm import Session as Session

__all__ = ["Connection", "Session"]
