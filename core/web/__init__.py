"""Server-rendered pages: layout, login, dashboards, regions, organisations, master plans."""
