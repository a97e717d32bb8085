"""The Create VCH wizard screen: steps generated from the core, checked one at a time before moving on."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Footer, Header

from vic_machine.inventory import Inventory
from vic_machine.spec import wizard_description
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding, has_errors

from tui.screens.wizard.editors import make_editor
from tui.screens.wizard.summary import SummaryPane
from tui.widgets.compute_tree import ComputeTree
from tui.widgets.datastore_picker import DatastorePicker
from tui.widgets.network_picker import NetworkPicker
from tui.widgets.step_bar import StepBar
from tui.widgets.step_form import StepForm


class WizardScreen(Screen):
    """Next checks the step (input checks and the core's validation against the inventory) and stops on errors."""

    BINDINGS = [
        Binding("ctrl+n", "next", "Next"),
        Binding("ctrl+b", "back", "Back"),
        Binding("escape", "cancel", "Cancel"),
    ]

    FINISH_LABEL = "Create"

    def __init__(self, backend, inventory: Inventory, steps: list[dict] | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.inventory = inventory
        self.steps = steps or wizard_description()["steps"]
        self.index = 0
        self.checking = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar([step["title"] for step in self.steps], id="step-bar")
        with ContentSwitcher(initial=f"step-{self.steps[0]['id']}", id="steps"):
            for step in self.steps:
                if step["fields"]:
                    yield StepForm(step, lambda desc: make_editor(desc, self.inventory))
                else:
                    yield self.summary_pane()
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="back", disabled=True, compact=True)
            yield Button("Next", id="next", variant="primary", compact=True)
            yield Button("Cancel", id="cancel", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.go(0)

    def summary_pane(self) -> Widget:
        """The last step's pane (id ``step-summary``)."""
        return SummaryPane()

    @property
    def step_id(self) -> str:
        return self.steps[self.index]["id"]

    def form(self, step_id: str) -> StepForm:
        return self.query_one(f"#step-{step_id}", StepForm)

    def build_spec(self) -> tuple[VchSpec, bool]:
        """The spec from every step's fields; False when the current step has a field that cannot be read."""
        spec = VchSpec()
        ok = True
        for step in self.steps:
            if step["fields"]:
                read = self.form(step["id"]).apply(spec)
                ok = ok and (read or step["id"] != self.step_id)
        return spec, ok

    @on(Button.Pressed, "#next")
    def action_next(self) -> None:
        if self.checking:
            return
        spec, ok = self.build_spec()
        if not ok:
            self.notify("Fix the fields marked ✗ first", severity="error")
            return
        self.checking = True
        self.query_one("#next", Button).loading = True
        self.check(spec, None if self.step_id == "summary" else self.step_id)

    @work(thread=True, exclusive=True, group="check")
    def check(self, spec: VchSpec, step: str | None) -> None:
        try:
            findings = self.findings_for(spec, step)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._check_failed, str(exc))
            return
        self.app.call_from_thread(self._checked, spec, step, findings)

    def findings_for(self, spec: VchSpec, step: str | None) -> list[Finding]:
        """The findings of one step, or of all for ``None`` (blocking: runs in the check worker)."""
        return self.backend.validate(spec, self.inventory, step)

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
        self.form(step).show_findings(findings)
        if has_errors(findings):
            count = sum(1 for f in findings if f.level == "error")
            self.notify(f"{count} problem(s) on this step: see the fields marked ✗", severity="error")
            return
        self.go(self.index + 1, spec)

    def _finish(self, spec: VchSpec, findings: list[Finding]) -> None:
        if self.show_errors(spec, findings):
            return
        from tui.screens.progress import ProgressScreen

        self.app.switch_screen(ProgressScreen(self.backend, spec))

    def show_errors(self, spec: VchSpec, findings: list[Finding]) -> bool:
        """Take the user to the first step with an error, its fields marked; False when there is none."""
        errors = [f for f in findings if f.level == "error"]
        if errors:
            # Take the user to the first step with a problem, its fields marked.
            order = [step["id"] for step in self.steps]
            first = min((order.index(f.step) for f in errors if f.step in order), default=0)
            step_id = order[first]
            if step_id != "summary":
                self.form(step_id).show_findings([f for f in findings if f.step == step_id])
            self.go(first, spec)
            self.notify("The configuration has problems: see the fields marked ✗", severity="error")
        return bool(errors)

    def go(self, index: int, spec: VchSpec | None = None) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        self.query_one(ContentSwitcher).current = f"step-{self.step_id}"
        self.query_one(StepBar).show_step(self.index)
        self.query_one("#back", Button).disabled = self.index == 0
        self.query_one("#next", Button).label = self.FINISH_LABEL if self.step_id == "summary" else "Next"
        self._scope_pickers()
        if self.step_id == "summary":
            self.show_summary(spec or self.build_spec()[0])
        else:
            first = next(iter(self.form(self.step_id).editors()), None)
            if first is not None:
                # The step just became visible: focus once it is laid out, or the focus is refused.
                self.call_after_refresh(first.focus)

    def show_summary(self, spec: VchSpec) -> None:
        self.query_one(SummaryPane).show(spec, self.backend.target, self.backend.thumbprint)

    def _scope_pickers(self) -> None:
        """Count datastore and network reachability against the hosts of the chosen compute resource."""
        trees = self.query(ComputeTree)
        hosts = trees.first().host_ids() if trees else set()
        for picker in self.query(DatastorePicker).results():
            picker.set_hosts(hosts)
        for picker in self.query(NetworkPicker).results():
            picker.set_hosts(hosts)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#copy-command")
    def copy_command(self) -> None:
        self.app.copy_to_clipboard(self.query_one(SummaryPane).command.replace(" \\\n  ", " "))
        self.notify("Command copied to the clipboard (where the terminal allows it)")
