"""The Configure VCH wizard: the create wizard's screen with only what configure may change, pre-filled from the
VCH's stored configuration; Apply asks the core what the change does (restart or not) before running it."""

from __future__ import annotations

import copy
from typing import Any

from textual import work
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Static

from vic_machine.errors import InputError
from vic_machine.inventory import Inventory
from vic_machine.operations.create import ValidationFailed
from vic_machine.spec.fields import step_of
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding

from tui.backend import VchRow
from tui.configure_form import configure_steps, display_value, is_live, merged_value, value_at
from tui.form_values import set_value
from tui.screens.wizard.wizard import WizardScreen

RESTART_NOTE = ("The endpoint VM is restarted: the Docker API is unavailable until it is back up. A snapshot is "
                "taken first; if anything fails the VCH is returned to it, running its old configuration.")
LIVE_NOTE = "Applied live: the VCH is not restarted."


class ChangesPane(VerticalScroll):
    """The configure wizard's last step: each changed field, before → after, and whether a restart follows."""

    DEFAULT_CSS = """
    ChangesPane { height: 1fr; padding: 0 1; }
    ChangesPane #changes-note { margin-top: 1; }
    ChangesPane #summary-message { display: none; color: $error; text-style: bold; margin-bottom: 1; }
    ChangesPane #summary-message.-shown { display: block; }
    ChangesPane #changes-note.-restart { color: $warning; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__(id="step-summary")

    def compose(self):
        yield Static("", id="summary-message", markup=False)
        yield Static("", id="changes", markup=False)
        yield Static("", id="changes-note", markup=False)

    def show_message(self, text: str) -> None:
        """Why the wizard is back here (a failed or cancelled configure); empty hides it."""
        message = self.query_one("#summary-message", Static)
        message.update(text)
        message.set_class(bool(text), "-shown")

    def show(self, lines: list[tuple[str, str, str, bool]]) -> None:
        """``lines``: label, before, after, and whether that change is live."""
        self.show_message("")
        if not lines:
            self.query_one("#changes", Static).update("Nothing changed yet: go Back and change a field.")
            self.query_one("#changes-note", Static).update("")
            return
        width = max(len(label) for label, *_ in lines)
        text = "\n".join(f"{label.ljust(width)}  {before} → {after}{'' if live else '  (restart)'}"
                         for label, before, after, live in lines)
        self.query_one("#changes", Static).update(text)
        restart = not all(live for *_, live in lines)
        note = self.query_one("#changes-note", Static)
        note.update(RESTART_NOTE if restart else LIVE_NOTE)
        note.set_class(restart, "-restart")


class ConfigureWizardScreen(WizardScreen):
    """Only changed fields are written into the stored spec: what the user did not touch stays as stored."""

    FINISH_LABEL = "Apply"
    DISCARD_TITLE = "Discard these changes?"
    FINISH_HELP = "asks vCenter what the changes do (restart or not), then asks you before applying them (Ctrl-N)"
    HELP_TITLE = "Configure VCH wizard"
    SHOW_ISOS = False  # configure keeps the VCH's ISOs; upgrade changes them
    ADVANCED_OPEN = True  # as the browser's Configure: what was set at create may be anywhere

    def __init__(self, backend, row: VchRow, current: VchSpec, inventory: Inventory) -> None:
        super().__init__(backend, inventory, configure_steps(current, esxi=inventory.esxi))
        self.row = row
        self.current = current

    def summary_pane(self) -> Widget:
        return ChangesPane()

    def on_mount(self) -> None:
        self.sub_title = f"Configure VCH {self.row.name}"
        super().on_mount()

    def build_spec(self) -> tuple[VchSpec, bool]:
        spec = copy.deepcopy(self.current)
        ok = self.form(self.step_id).read()[1] if self.step_id != "summary" else True
        for child, value in self.changed():
            set_value(spec, child.path, merged_value(child.desc, value_at(self.current, child.path), value))
        return spec, ok

    def show_summary(self, spec: VchSpec) -> None:
        lines = []
        for child, _ in self.changed():
            desc = child.desc
            lines.append((desc["label"], display_value(desc, value_at(self.current, child.path)),
                          display_value(desc, value_at(spec, child.path)), is_live(child.path)))
        self.query_one(ChangesPane).show(lines)

    def findings_for(self, spec: VchSpec, step: str | None, inventory: Inventory,
                     isos: tuple[str, str] | None = None) -> list[Finding]:
        # The whole change is checked by the core's preview on Apply; a step is checked only when it changed,
        # and only findings about fields shown here count (the VCH itself "using the name" is no problem).
        if step is None:
            return []
        fields = self.form(step).fields()
        if not any(child in fields for child, _ in self.changed()):
            return []
        shown = [child.path for child in fields]
        return [f for f in self.backend.validate(spec, inventory, step)
                if any(f.path == p or f.path.startswith((p + ".", p + "[")) for p in shown)]

    def _finish(self, spec: VchSpec, findings: list[Finding]) -> None:
        if self.show_errors(spec, findings):
            return
        if not self.changed():
            self.notify("Nothing to apply: no field was changed", severity="warning")
            return
        self.checking = True
        self.query_one("#next", Button).loading = True
        self.run_preview(spec)

    @work(thread=True, exclusive=True, group="check")
    def run_preview(self, spec: VchSpec) -> None:
        try:
            planned = self.backend.preview(self.row, spec)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, spec, exc.findings)
        except InputError as exc:
            findings = [Finding("error", "invalid_input", e.path, step_of(e.path), e.message) for e in exc.errors]
            self.app.call_from_thread(self._refused, spec, findings)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._check_failed, str(exc))
        else:
            self.app.call_from_thread(self._confirm, spec, planned)

    def _refused(self, spec: VchSpec, findings: list[Finding]) -> None:
        self._done_checking()
        if not self.show_errors(spec, findings):
            self.notify("; ".join(f.message for f in findings) or "Refused", severity="error", timeout=10)

    def _confirm(self, spec: VchSpec, planned: Any) -> None:
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.lifecycle_progress import ConfigureProgressScreen

        self._done_checking()
        labels = {desc["path"]: desc["label"] for step in self.steps for desc in step["fields"]}
        changed = ", ".join(labels.get(path, path) for path in _fields_of(planned.changed, labels))
        text = f"Changes: {changed}.\n\n{RESTART_NOTE if planned.needs_restart else LIVE_NOTE}"
        text += "".join(f"\n! {warning}" for warning in planned.warnings)
        title = f"Configure VCH {self.row.name}" + (" and restart it?" if planned.needs_restart else "?")

        def answered(go: bool | None) -> None:
            if go:
                self.run_operation(ConfigureProgressScreen(self.backend, self.row, spec,
                                                           back_label="Back to the wizard"))

        self.app.push_screen(ConfirmScreen(title, text, "Apply and restart" if planned.needs_restart else "Apply",
                                           warn=planned.needs_restart), answered)


def _fields_of(paths: list[str], labels: dict[str, str]) -> list[str]:
    """The wizard fields the core's changed paths fall under (``compute.cpu.limit``; a list as a whole), once."""
    out: list[str] = []
    for path in paths:
        field = next((p for p in labels if path == p or path.startswith((p + ".", p + "["))), path)
        if field not in out:
            out.append(field)
    return out
