"""Re-check and Fix firewall, on the wizard step vCenter refused: the inventory read afresh, and the hosts'
firewall opened (after asking) as ``vic-machine update firewall --allow`` does."""

from __future__ import annotations

from textual import work
from textual.widgets import Button

from vic_machine.inventory import Inventory
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding, has_errors

from tui.errors import user_message
from tui.widgets.compute_tree import ComputeTree
from tui.widgets.datastore_picker import DatastorePicker
from tui.widgets.network_picker import NetworkPicker


class RecheckActions:
    """Mixed into the wizard screen (which routes its Re-check and Fix firewall buttons here), which provides ``failed``, ``firewall``, ``step_id``, ``inventory``,
    ``backend``, ``_start_check``, ``findings_for``, ``_show_step`` and ``_scope_pickers``."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "recheck":
            return self.failed is not None and self.failed == self.step_id
        if action == "fix_firewall":
            return self.failed == self.step_id and self._firewall_compute() is not None
        return True

    def _firewall_compute(self) -> str | None:
        """The path of the compute resource whose hosts Fix firewall would open, when there is a firewall error."""
        trees = self.query(ComputeTree)
        if self.firewall is None or not trees or trees.first().chosen is None:
            return None
        return trees.first().chosen.path

    def _offer_fixes(self) -> None:
        here = self.failed is not None and self.failed == self.step_id
        self.query_one("#recheck", Button).set_class(not here, "-hidden")
        self.query_one("#fix-firewall", Button).set_class(not (here and self._firewall_compute()), "-hidden")
        self.refresh_bindings()

    def action_recheck(self) -> None:
        if self.step_id == "summary" or self.failed != self.step_id:
            return
        spec = self._start_check()
        if spec is not None:
            self.recheck(spec, self.step_id, self.iso_paths())

    def action_fix_firewall(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        compute = self._firewall_compute()
        if compute is None or self.checking or self.firewall is None:
            return
        text = (f"{self.firewall.message}.\n\nThis enables ruleset vic-engine (outbound 2377/tcp) on each host of "
                f"{compute}, or ruleset vSPC, which opens all outbound TCP, on hosts without vic-engine (before "
                "vSphere 6.7): what vic-machine update firewall --allow does. The step is checked again after.")

        def answered(go: bool | None) -> None:
            spec = self._start_check() if go else None
            if spec is not None:
                self.recheck(spec, self.step_id, self.iso_paths(), fix=compute)

        self.app.push_screen(ConfirmScreen(f"Open the firewall of the hosts of {compute.rsplit('/', 1)[-1]}?",
                                           text, "Open the firewall", warn=True), answered)

    @work(thread=True, exclusive=True, group="check")
    def recheck(self, spec: VchSpec, step: str, isos: tuple[str, str] | None, fix: str | None = None) -> None:
        """Read the inventory afresh (after opening the firewall of ``fix``'s hosts) and check ``step`` again."""
        results: list = []
        try:
            if fix is not None:
                results = self.backend.fix_firewall(self.inventory, fix)
            inventory = self.backend.snapshot()
            findings = self.findings_for(spec, step, inventory, isos)
        except Exception as exc:  # noqa: BLE001 - the UI edge: show the error, never crash
            self.app.call_from_thread(self._check_failed, user_message(exc))
            return
        self.app.call_from_thread(self._rechecked, step, inventory, findings, results)

    def _rechecked(self, step: str, inventory: Inventory, findings: list[Finding], results: list) -> None:
        self._done_checking()
        self.use_inventory(inventory)
        failed = [f"Firewall of host {r.host} not changed: {r.message}" for r in results if not r.ok]
        self._show_step(step, findings, "\n".join(failed))
        if results and not failed:
            self.notify(f"Firewall opened on {len(results)} host(s)")
        if has_errors(findings):
            count = sum(1 for f in findings if f.level == "error")
            self.notify(f"Checked again against vCenter: {count} problem(s) left on this step", severity="error")
        else:
            self.notify("Checked again against vCenter: no problem left. Next (Ctrl-N) goes on.")

    def use_inventory(self, inventory: Inventory) -> None:
        """Pickers and checks from a newer reading of the inventory; what was chosen stays chosen."""
        self.inventory = inventory
        for tree in self.query(ComputeTree).results():
            tree.set_inventory(inventory)
        for picker in [*self.query(DatastorePicker).results(), *self.query(NetworkPicker).results()]:
            picker.set_inventory(inventory)
        self._scope_pickers()

