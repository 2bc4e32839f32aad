"""Visits in the desktop app: the visit record form, planning, checklists, the prospect panel."""
