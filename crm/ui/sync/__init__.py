"""Sync with head office in the desktop app: status indicator, conflicts page, sign-in."""
