"""The Today page (what is due now) and the tray notifications."""
