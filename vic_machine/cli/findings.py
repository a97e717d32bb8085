"""Render validation findings: a table for people, JSON for scripts."""

from __future__ import annotations

from vic_machine.cli.output import console, emit_json
from vic_machine.validate import ERROR, Finding


def show_findings(findings: list[Finding], output: str) -> None:
    if output == "json":
        emit_json({"findings": [f.to_dict() for f in findings]})
        return
    if not findings:
        console.print("[green]All checks passed.[/]")
        return
    for f in findings:
        colour = "red" if f.level == ERROR else "yellow"
        console.print(f"[{colour}]{f.level.upper():7}[/] [bold]{f.path}[/] ({f.code})", highlight=False)
        console.print(f"         {f.message}", highlight=False, soft_wrap=True)
        if f.remedy:
            console.print(f"         [dim]→ {f.remedy}[/]", highlight=False, soft_wrap=True)
    errors = sum(f.level == ERROR for f in findings)
    console.print(f"{errors} error(s), {len(findings) - errors} warning(s)")
