"""Photos and documents of visit records (the visit dialog shows them)."""
