"""How head office says no: a refused request (``ApiError``, an HTTP status) and a refused
op (``Rejected``, one result of a push that goes to the device's conflicts list)."""

from __future__ import annotations

from typing import Any

from crm.headoffice.models import Record


class ApiError(Exception):
    """A refused request: HTTP status, a protocol error code, English text and params."""

    def __init__(self, status: int, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.params = params

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "params": self.params}


class Rejected(Exception):
    """An op head office will not apply; it goes to the device's conflicts list (with the
    record as head office has it, when the device may see it)."""

    def __init__(
        self, code: str, message: str, *, record: Record | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.record = record
        self.extra = extra
