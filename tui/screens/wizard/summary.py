"""The wizard's last step: every value chosen, and the equivalent ``vic-machine create`` command."""

from __future__ import annotations

import shlex

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from vic_machine.spec import to_create_flags
from vic_machine.spec.checks import values
from vic_machine.spec.model import VchSpec
from vic_machine.spec.units import human
from vic_machine.target import Target


def create_command(spec: VchSpec, target: Target, thumbprint: str, isos: tuple[str, str] | None = None) -> str:
    """The ``vic-machine create`` command line for ``spec``, with the ISOs this terminal deploys; no password in
    it (vic-machine prompts)."""
    head = ["vic-machine create", f"--target {shlex.quote(target.display)}"]
    if target.user:
        head.append(f"--user {shlex.quote(target.user)}")
    if thumbprint:
        head.append(f"--thumbprint {thumbprint}")
    if isos:
        head += [f"--appliance-iso {shlex.quote(isos[0])}", f"--bootstrap-iso {shlex.quote(isos[1])}"]
    return " \\\n  ".join(head + to_create_flags(spec))


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    display = getattr(value, "display", None)
    return display() if callable(display) else str(value)


def summary_lines(spec: VchSpec) -> list[tuple[str, str]]:
    """Label and value of the required fields and of every field changed from its default (secrets masked,
    PEM shown by count): what makes this VCH differ from vic-machine's defaults, short enough for 80×24."""
    lines = []
    for _path, info, value in values(spec):
        if value in (None, "", []) or info.meta.readonly:
            continue
        if not info.meta.required and value == info.default:
            continue
        if info.meta.secret:
            text = "••••••"
        elif info.meta.type == "pem":
            text = f"{len(value) if isinstance(value, list) else 1} PEM item(s)"
        elif isinstance(value, bool):
            text = "yes" if value else "no"
        elif info.meta.unit:
            text = human(value, info.meta.unit) if isinstance(value, int) else _shown(value)
        else:
            text = _shown(value)
        lines.append((info.meta.label, text))
    return lines


class SummaryPane(VerticalScroll):
    """Filled in by :meth:`show` each time the wizard reaches the summary. Lines are never wrapped (a wrapped
    path or command cannot be copied in one piece): the pane scrolls sideways instead."""

    DEFAULT_CSS = """
    SummaryPane { height: 1fr; padding: 0 1; overflow-x: auto; }
    SummaryPane #summary-message { display: none; color: $error; text-style: bold; margin-bottom: 1; }
    SummaryPane #summary-message.-shown { display: block; }
    SummaryPane #summary-values { margin-bottom: 1; width: auto; text-wrap: nowrap; }
    SummaryPane #command { background: $boost; padding: 0 1; margin-bottom: 1; width: auto; text-wrap: nowrap; }
    SummaryPane Horizontal { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(id="step-summary")
        self.command = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="summary-message", markup=False)
        yield Static("", id="summary-values", markup=False)
        yield Label("Equivalent command:")
        yield Static("", id="command", markup=False)
        with Horizontal():
            yield Button("Copy command", id="copy-command", compact=True)

    def show(self, spec: VchSpec, target: Target, thumbprint: str, isos: tuple[str, str] | None = None) -> None:
        pairs = summary_lines(spec)
        if isos:
            pairs += [("Appliance ISO", isos[0]), ("Bootstrap ISO", isos[1])]
        width = max((len(label) for label, _ in pairs), default=0)
        text = "\n".join(f"{label.ljust(width)}  {value}" for label, value in pairs)
        self.query_one("#summary-values", Static).update(text)
        self.command = create_command(spec, target, thumbprint, isos)
        self.query_one("#command", Static).update(self.command)
        self.show_message("")

    def show_message(self, text: str) -> None:
        """Why the wizard is back here (a failed or cancelled create); empty hides it."""
        message = self.query_one("#summary-message", Static)
        message.update(text)
        message.set_class(bool(text), "-shown")
