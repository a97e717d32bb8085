"""The details pane of the VCH list: the core's inspect output."""

from __future__ import annotations

from textual.widgets import Static


class VchDetails(Static):
    """One VCH's inspect lines, or a short line while loading or when nothing is chosen."""

    DEFAULT_CSS = """
    VchDetails { height: auto; padding: 0 1; }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, markup=False, **kwargs)

    def show_text(self, text: str) -> None:
        self.update(text)
