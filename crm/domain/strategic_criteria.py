"""The strategic-client criteria as head office publishes them (reference ``criteria``).

One reader for every place that takes them: head office's gate, the publish check, and the
desktop's gate. A published document is either the stage rules as bundled
(``{"strategic": {...}, ...}``) or the criteria alone (``{"min_months_as_customer": ...}``);
anything else is refused naming the field, so head office never stores what it cannot read.
"""

from __future__ import annotations

from collections.abc import Mapping

from crm.domain.errors import DomainError
from crm.domain.stages import StrategicCriteria

FIELDS = ("min_months_as_customer", "min_loans", "min_total_credit_fen")


def parse_criteria(document: object) -> StrategicCriteria:
    """The criteria in ``document``; a malformed one raises DomainError naming the field."""
    if isinstance(document, Mapping) and isinstance(document.get("strategic"), Mapping):
        document = document["strategic"]
    if not isinstance(document, Mapping):
        raise DomainError(
            "criteria.shape",
            "the criteria must be an object with {fields}",
            fields=", ".join(FIELDS),
        )
    values: dict[str, int] = {}
    for name in FIELDS:
        value = document.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DomainError(
                "criteria.field",
                "the criteria's {field} must be a whole number of 0 or more (got {value})",
                field=name,
                value=repr(value),
            )
        values[name] = value
    return StrategicCriteria(**values)
