"""The details pane of the VCH list: the core's inspect output."""

from __future__ import annotations

from textual.widgets import Static


class VchDetails(Static):
    """One VCH's inspect lines, or a short line while loading or when nothing is chosen. Lines are not wrapped
    (endpoints, DOCKER_* lines and paths copy in one piece); the pane scrolls sideways."""

    DEFAULT_CSS = """
    VchDetails { height: auto; width: auto; min-width: 100%; padding: 0 1; text-wrap: nowrap; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)
        self.text = text

    def show_text(self, text: str) -> None:
        self.text = text
        self.update(text)
