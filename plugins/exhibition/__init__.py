"""Placeholder: this plugin is built in a later issue."""
