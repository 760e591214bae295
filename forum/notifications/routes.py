"""The notifications page (filled by the notifications feature)."""
