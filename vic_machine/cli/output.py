"""One output switch: results rendered as a rich table or as JSON."""

from __future__ import annotations

import json
from typing import Any, Sequence


class _LazyConsole:
    """A rich ``Console`` made on first use: commands that print no rich text never import rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


console = _LazyConsole()
errors = _LazyConsole(stderr=True)


def emit_json(data: Any) -> None:
    click_echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def click_echo(text: str) -> None:
    import click

    click.echo(text)


def tab_text(lines: Sequence[Sequence[Any]], padding: int = 8, min_width: int = 8) -> str:
    """Columns aligned as Go's text/tabwriter aligns them (vic-machine 1.5.8's ``ls``: width 8, padding 8): each
    cell but the last of a line padded to its column's widest cell plus ``padding``; nothing is ever cut."""
    cells = [["" if v is None else str(v) for v in line] for line in lines]
    widths: list[int] = []
    for line in cells:
        for index, cell in enumerate(line[:-1]):
            if index == len(widths):
                widths.append(min_width)
            widths[index] = max(widths[index], len(cell) + padding)
    return "\n".join("".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])) + (line[-1] if line else "")
                     for line in cells)


def emit_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "") -> None:
    """A table for people on a terminal; aligned plain text, never cut to a width, when stdout is not one."""
    if not rows and empty:
        console.print(empty)
        return
    if not console.is_terminal:
        click_echo(tab_text([columns, *rows], padding=2, min_width=0))
        return
    from rich.table import Table

    table = Table(*columns, box=None, header_style="bold", pad_edge=False)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


def emit_result(result: Any, output: str) -> bool:
    """A command's result: JSON for scripts (then True: nothing more to print), else its warnings first."""
    if output == "json":
        emit_json(result.to_dict())
        return True
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/] {warning}", highlight=False)
    return False
