"""Placeholder while the facade is being written."""
