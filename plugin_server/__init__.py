"""The plug-in server: REST API, manifest and views for the vSphere Client."""

from vic_machine import __version__

__all__ = ["__version__"]
