"""The Create VCH wizard screen: steps generated from the core, checked one at a time before moving on.

A failed or cancelled create comes back here with every value kept, on the step to fix. A step that failed
against vCenter can be checked again after reading the inventory afresh (Re-check), and a closed firewall can be
opened from here (Fix firewall, after asking).
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Collapsible, ContentSwitcher, Footer, Header

from vic_machine.errors import InputError, OperationFailed
from vic_machine.inventory import Inventory
from vic_machine.iso import APPLIANCE_FIELD, BOOTSTRAP_FIELD
from vic_machine.spec import wizard_description
from vic_machine.spec.fields import step_of
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding, has_errors

from tui.errors import user_message
from tui.findings import in_words
from tui.isos import REMEDY
from tui.screens.wizard.editors import make_editor
from tui.screens.wizard.recheck import RecheckActions
from tui.screens.wizard.summary import SummaryPane
from tui.widgets.compute_tree import ComputeTree
from tui.widgets.datastore_picker import DatastorePicker
from tui.widgets.field_help import FieldHelp
from tui.widgets.field_row import FieldRow
from tui.widgets.item_list import ItemList
from tui.widgets.network_picker import NetworkPicker
from tui.widgets.step_bar import StepBar
from tui.widgets.step_form import StepForm
from tui.widgets.text_field import TextField

BUTTON_HELP = {
    "next": ("Next", "checks this step against vCenter and goes on (Ctrl-N); on the last step it runs the wizard"),
    "back": ("Back", "the step before (Ctrl-B); nothing typed is lost"),
    "cancel": ("Cancel", "closes the wizard (Esc); it asks first when values were typed"),
    "recheck": ("Re-check", "reads vCenter's inventory again and checks this step (Ctrl-R): after fixing "
                            "something outside vic-tui"),
    "fix-firewall": ("Fix firewall", "opens outbound 2377/tcp on the hosts of the chosen compute resource, after "
                                     "asking (Ctrl-F)"),
    "copy-command": ("Copy command", "copies the equivalent vic-machine create command (where the terminal "
                                     "allows it)"),
}


def local_desc(path: str, label: str, text: str, default: str) -> dict:
    """The description of a row of this terminal's own, shaped like the core's field descriptions."""
    return {"path": path, "label": label, "help": text, "default": default, "type": "string", "unit": "",
            "required": True, "multiple": False, "secret": False, "choices": [], "local": True}


ISO_HELP = ("The VIC Engine 1.5 {kind} ISO the VCH boots from; found in --iso-dir, $VIC_ISO_DIR or the current "
            "directory, as the plug-in server finds its own. Change the path here if it is elsewhere.")


class WizardScreen(RecheckActions, Screen):
    """Next checks the step (input checks and the core's validation against the inventory) and stops on errors."""

    BINDINGS = [
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+r", "recheck", "Re-check"),
        Binding("ctrl+f", "fix_firewall", "Fix firewall"),
        Binding("escape", "cancel", "Cancel"),
    ]
    TYPING = True  # text fields: "?" is typed, F1 opens the help
    HELP_TITLE = "New VCH wizard"
    HELP_KEYS = [("enter", "In the compute tree: choose the highlighted cluster, host or pool"),
                 ("enter", "On Advanced: show or hide the step's advanced settings")]

    FINISH_LABEL = "Create"
    DISCARD_TITLE = "Discard this new VCH?"
    FINISH_HELP = ("creates the VCH with these values (Ctrl-N); if that fails, the wizard comes back with every "
                   "value kept")
    SHOW_ISOS = True
    ADVANCED_OPEN = False

    def __init__(self, backend, inventory: Inventory, steps: list[dict] | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.inventory = inventory
        self.steps = steps or wizard_description()["steps"]
        self.index = 0
        self.checking = False
        self.failed: str | None = None  # the step whose last check found errors
        self.firewall: Finding | None = None  # its firewall error, which Fix firewall can fix
        self.forms: dict[str, StepForm] = {}  # made in compose, each mounted when first shown
        self.progress: Any = None
        self.iso_rows: list[FieldRow] = []  # made in compose: widgets belong to the app's thread

    def _iso_rows(self) -> list[FieldRow]:
        rows = []
        for path, label, kind, default in zip((APPLIANCE_FIELD, BOOTSTRAP_FIELD), ("Appliance ISO", "Bootstrap ISO"),
                                              ("appliance", "bootstrap"), self.backend.iso_paths()):
            desc = local_desc(path, label, ISO_HELP.format(kind=kind), str(default))
            rows.append(FieldRow(desc, TextField(desc, compact=True)))
        return rows

    def compose(self) -> ComposeResult:
        if self.SHOW_ISOS and hasattr(self.backend, "iso_paths"):
            self.iso_rows = self._iso_rows()
        yield Header()
        yield StepBar([step["title"] for step in self.steps], id="step-bar")
        # Only the first step is mounted now: mounting every step's fields took seconds on a big inventory, so
        # each is mounted when first shown. A step never shown holds its defaults, which the spec has anyway.
        self.forms = {step["id"]: StepForm(step, lambda desc: make_editor(desc, self.inventory),
                                           extra_rows=self.iso_rows if step["id"] == "general" else [],
                                           advanced_open=self.ADVANCED_OPEN)
                      for step in self.steps if step["fields"]}
        first = self.steps[0]["id"]
        with ContentSwitcher(initial=f"step-{first}", id="steps"):
            if first in self.forms:
                yield self.forms[first]
            yield self.summary_pane()
        yield FieldHelp(id="field-help")
        with Horizontal(id="wizard-buttons"):
            yield Button("Fix firewall", id="fix-firewall", variant="warning", compact=True, classes="-hidden")
            yield Button("Re-check", id="recheck", compact=True, classes="-hidden")
            yield Button("Back", id="back", disabled=True, compact=True)
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.sub_title or "New virtual container host"
        self.go(0)

    def summary_pane(self) -> Widget:
        """The last step's pane (id ``step-summary``)."""
        return SummaryPane()

    @property
    def step_id(self) -> str:
        return self.steps[self.index]["id"]

    def form(self, step_id: str) -> StepForm:
        """A step's form, mounted (hidden) if it was not yet: its fields exist once it is ready."""
        form = self.forms[step_id]
        if form.parent is None:
            form.display = False  # until the switcher shows it
            self.query_one(ContentSwitcher).mount(form)
        return form

    def changed(self) -> list[tuple[Any, Any]]:
        """The fields (rows or item lists) whose value differs from what they started with, with that value."""
        out = []
        for form in self.forms.values():
            if form.initial is None:
                continue  # never shown: nothing was typed there
            values, _ = form.read()
            out += [(child, values[child.path]) for child in form.fields()
                    if child.path in values and values[child.path] != form.initial.get(child.path)]
        return out

    def has_changes(self) -> bool:
        """Whether closing the wizard would lose something the user typed or chose."""
        try:
            return bool(self.changed())
        except Exception:  # noqa: BLE001 - a field that cannot be read was typed into
            return True

    def build_spec(self) -> tuple[VchSpec, bool]:
        """The spec from every step's fields; False when the current step has a field that cannot be read."""
        spec = VchSpec()
        ok = True
        for step in self.steps:
            if step["fields"]:
                read = self.forms[step["id"]].apply(spec)
                ok = ok and (read or step["id"] != self.step_id)
        return spec, ok

    def iso_paths(self) -> tuple[str, str] | None:
        """The ISO paths typed on the first step (None when this wizard has no ISO rows)."""
        if not self.iso_rows:
            return None
        return self.iso_rows[0].editor.value.strip(), self.iso_rows[1].editor.value.strip()

    # Next

    def _start_check(self) -> VchSpec | None:
        if self.checking:
            return None
        spec, ok = self.build_spec()
        if not ok:
            self.notify("Fix the fields marked ✗ first", severity="error")
            return None
        self.checking = True
        self.query_one("#next", Button).loading = True
        return spec

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        spec = self._start_check()
        if spec is not None:
            self.check(spec, None if self.step_id == "summary" else self.step_id, self.iso_paths())

    @work(thread=True, exclusive=True, group="check")
    def check(self, spec: VchSpec, step: str | None, isos: tuple[str, str] | None) -> None:
        try:
            findings = self.findings_for(spec, step, self.inventory, isos)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._check_failed, user_message(exc))
            return
        self.app.call_from_thread(self._checked, spec, step, findings)

    def findings_for(self, spec: VchSpec, step: str | None, inventory: Inventory,
                     isos: tuple[str, str] | None = None) -> list[Finding]:
        """The findings of one step, or of all for ``None`` (blocking: runs in the check worker)."""
        findings = self.backend.validate(spec, inventory, step)
        if isos is not None and step in ("general", None):
            findings += self.backend.check_isos(*isos)
        return in_words(findings, spec, inventory)

    def _check_failed(self, message: str) -> None:
        self._done_checking()
        self.notify(message, severity="error", timeout=10)

    def _done_checking(self) -> None:
        self.checking = False
        self.query_one("#next", Button).loading = False

    def _checked(self, spec: VchSpec, step: str | None, findings: list[Finding]) -> None:
        self._done_checking()
        if step is None:
            self._finish(spec, findings)
            return
        self._show_step(step, findings)
        if has_errors(findings):
            return  # each problem is beside its field, the first scrolled into view
        self.go(self.index + 1, spec)

    def _show_step(self, step: str, findings: list[Finding], note: str = "") -> None:
        """Show a step's findings, and whether Re-check and Fix firewall are offered on it."""
        form = self.form(step)
        form.when_ready(lambda: form.show_findings(findings, note))
        errors = [f for f in findings if f.level == "error"]
        self.failed = step if errors else (None if self.failed == step else self.failed)
        if self.failed == step or not errors:
            self.firewall = next((f for f in errors if f.code == "firewall.blocked"), None)
        self._offer_fixes()

    # Finishing, and coming back from a failed create

    def _finish(self, spec: VchSpec, findings: list[Finding]) -> None:
        if self.show_errors(spec, findings):
            return
        from tui.screens.progress import ProgressScreen

        self.run_operation(ProgressScreen(self.backend, spec, back_label="Back to the wizard"))

    def run_operation(self, screen: Any) -> None:
        """Run the wizard's operation on top of it: the wizard closes once it succeeded, and stays, with its
        values, when it did not."""
        from tui.screens.operation import push_operation

        push_operation(self.app, screen, self._operation_ended)

    def _operation_ended(self, screen: Any) -> None:
        if screen.ok:
            self.dismiss()
            return
        self.back_after(screen.error, screen.outcome or "failed")

    def back_after(self, exc: BaseException | None, outcome: str) -> None:
        """Back from a create that did not happen: on the step naming the problem, every value kept."""
        from vic_machine.operations.create import ValidationFailed

        spec = self.build_spec()[0]
        cause = exc.cause if isinstance(exc, OperationFailed) else exc
        if isinstance(cause, ValidationFailed) and self.show_errors(spec, in_words(cause.findings, spec,
                                                                                    self.inventory)):
            return
        if isinstance(cause, InputError):
            findings = [Finding("error", "input.invalid", e.path, self._step_of(e.path), e.message,
                                REMEDY.format(kind="bootstrap" if e.path == BOOTSTRAP_FIELD else "appliance")
                                if e.path in (APPLIANCE_FIELD, BOOTSTRAP_FIELD) else "")
                        for e in cause.errors]
            if self.show_errors(spec, findings):
                return
        what, again = ("create", "Create") if self.FINISH_LABEL == "Create" else ("change", self.FINISH_LABEL)
        if outcome == "cancelled":
            text = f"The {what} was cancelled and what it had done undone. Every value is kept: {again} runs it again."
        else:
            text = (f"The {what} failed: {user_message(exc) if exc else 'see the log'}\nEvery value is kept: fix "
                    f"what is named (Back goes to the steps) and {again} runs it again.")
        self.go(len(self.steps) - 1, spec)
        self.query_one("#step-summary").show_message(text)

    def _step_of(self, path: str) -> str:
        if path in (APPLIANCE_FIELD, BOOTSTRAP_FIELD):
            return "general"
        return step_of(path) or "summary"

    def show_errors(self, spec: VchSpec, findings: list[Finding]) -> bool:
        """Take the user to the first step with an error, its fields marked; False when there is none."""
        errors = [f for f in findings if f.level == "error"]
        if errors:
            order = [step["id"] for step in self.steps]
            first = min((order.index(f.step) for f in errors if f.step in order), default=0)
            step_id = order[first]
            if step_id != "summary":
                self._show_step(step_id, [f for f in findings if f.step == step_id])
            self.go(first, spec)
            self.notify("The configuration has problems: see the fields marked ✗", severity="error")
        return bool(errors)

    # Moving between steps

    def go(self, index: int, spec: VchSpec | None = None) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        if self.step_id in self.forms:
            self.form(self.step_id)
        self.query_one(ContentSwitcher).current = f"step-{self.step_id}"
        self.query_one(StepBar).show_step(self.index)
        self.query_one("#back", Button).disabled = self.index == 0
        label = self.FINISH_LABEL if self.step_id == "summary" else "Next"
        self.query_one("#next", Button).label = label
        # The footer says what Ctrl-N does here: Next, or Create (Apply) on the last step.
        self._bindings.key_to_bindings["ctrl+n"] = [Binding("ctrl+n", "next", label)]
        self._scope_pickers()
        self._offer_fixes()
        if self.step_id == "summary":
            self.show_summary(spec or self.build_spec()[0])
            self.call_after_refresh(self.query_one("#next", Button).focus)
        else:
            form = self.form(self.step_id)

            def focus_first() -> None:
                self._scope_pickers()  # the step's pickers may have just been mounted
                # Stored items' fixed fields (Configure) are disabled: the first field taking input gets the focus.
                first = next((e for e in form.editors() if not e.disabled), self.query_one("#next", Button))
                # The step just became visible: focus once it is laid out, or the focus is refused.
                self.call_after_refresh(first.focus)

            form.when_ready(focus_first)

    def show_summary(self, spec: VchSpec) -> None:
        self.query_one(SummaryPane).show(spec, self.backend.target, self.backend.thumbprint, self.iso_paths())

    def _scope_pickers(self) -> None:
        """Count datastore and network reachability against the hosts of the chosen compute resource."""
        trees = self.query(ComputeTree)
        compute = trees.first().chosen if trees else None
        for picker in [*self.query(DatastorePicker).results(), *self.query(NetworkPicker).results()]:
            picker.set_scope(compute)

    @on(Button.Pressed, "#recheck")
    def recheck_pressed(self) -> None:
        self.action_recheck()

    @on(Button.Pressed, "#fix-firewall")
    def fix_firewall_pressed(self) -> None:
        self.action_fix_firewall()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        if not self.has_changes():
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(ConfirmScreen(self.DISCARD_TITLE, "The values typed and chosen here are lost.",
                                           "Discard", warn=True, keep="Keep editing"), answered)

    @on(Button.Pressed, "#copy-command")
    def copy_command(self) -> None:
        self.app.copy_to_clipboard(self.query_one(SummaryPane).command.replace(" \\\n  ", " "))
        self.notify("Command copied to the clipboard (where the terminal allows it)")

    # The help of what has the focus

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        owner = next((a for a in [widget, *widget.ancestors] if isinstance(a, (FieldRow, ItemList))), None)
        for marked in self.query(".-focused").results():
            if marked is not owner:
                marked.remove_class("-focused")
        help_bar = self.query_one(FieldHelp)
        if owner is not None:
            owner.add_class("-focused")
            help_bar.show_help(owner.label, owner.help)
        elif widget.id == "next" and self.step_id == "summary":
            help_bar.show_help(self.FINISH_LABEL, self.FINISH_HELP)
        elif widget.id in BUTTON_HELP:
            help_bar.show_help(*BUTTON_HELP[widget.id])
        elif any(isinstance(a, Collapsible) for a in widget.ancestors):
            help_bar.show_help("Advanced", "Enter shows or hides the advanced settings of this step")
        else:
            help_bar.show_help("", "")
