"""Watching: a member's level (watching, tracking, muted) for a thread or a category."""
