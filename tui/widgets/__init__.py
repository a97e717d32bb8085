"""Reusable widgets of the terminal UI, one class per module."""
