"""Pages that set watch levels (filled by the watching feature)."""
