"""The hybrid logical clock, for the sync code that has always imported it from here; the
clock itself is pure and lives in the domain, where the store's writers tick it too."""

from crm.domain.hlc import HLC, MAX_LOGICAL, receive, tick

__all__ = ["HLC", "MAX_LOGICAL", "receive", "tick"]
