"""Built-in plugins of Sinergi. Each is registered through the `sinergi.plugins` entry point."""
