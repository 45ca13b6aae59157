"""``sinergi plugin new NAME``: write an installable plugin package that works at once."""
