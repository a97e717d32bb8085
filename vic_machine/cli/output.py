"""One output switch: results rendered as a rich table or as JSON."""

from __future__ import annotations

import json
from typing import Any, Sequence

from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)


def emit_json(data: Any) -> None:
    click_echo(json.dumps(data, indent=2, sort_keys=False, default=str))


def click_echo(text: str) -> None:
    import click

    click.echo(text)


def emit_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "") -> None:
    if not rows and empty:
        console.print(empty)
        return
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
