"""Where the wizard is: the steps in a line, the current one highlighted, done ones ticked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StepBar(Static):
    """``✓ General › 2 Compute capacity › 3 Storage …`` — trimmed to the current step in narrow terminals."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, titles: list[str], **kwargs) -> None:
        super().__init__("", **kwargs)
        self.titles = titles
        self.current = 0

    def on_mount(self) -> None:
        self.show_step(0)

    def on_resize(self) -> None:
        self.show_step(self.current)

    def show_step(self, index: int) -> None:
        self.current = index
        full = self._render_line(index, short=False)
        if self.size.width and full.cell_len > self.size.width - 2:
            full = self._render_line(index, short=True)
        self.update(full)

    def _render_line(self, index: int, short: bool) -> Text:
        text = Text()
        for i, title in enumerate(self.titles):
            if i:
                text.append(" › ", style="dim")
            if i == index:
                text.append(f"{i + 1} {title}", style="bold reverse")
            elif short:
                text.append("✓" if i < index else str(i + 1), style="dim")
            else:
                text.append(f"{'✓' if i < index else i + 1} {title}", style="dim")
        return text
