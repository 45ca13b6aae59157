"""Organisations of the pentahelix and their members."""
