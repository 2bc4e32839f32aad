"""FirstLoan CRM (首贷通)."""

__version__ = "0.1.0"
