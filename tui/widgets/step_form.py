"""One wizard step's fields, generated from the core's wizard description, with findings shown beside them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from vic_machine.spec.model import VchSpec
from vic_machine.validate import ERROR, Finding

from tui.form_values import set_value
from tui.widgets.field_row import FieldRow
from tui.widgets.item_list import ItemList


class StepForm(VerticalScroll):
    """The fields of ``step`` (a step of ``wizard_description()``), in the order the core lists them."""

    DEFAULT_CSS = """
    StepForm { height: 1fr; padding: 0 1; }
    StepForm .step-message { display: none; color: $error; margin-bottom: 1; }
    StepForm .step-message.-shown { display: block; }
    """

    def __init__(self, step: dict, make_editor: Callable[[dict], Widget], **kwargs) -> None:
        super().__init__(id=f"step-{step['id']}", **kwargs)
        self.step = step
        self.make_editor = make_editor

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-message", markup=False)
        for desc in self.step["fields"]:
            if desc["type"] == "object" and desc["multiple"]:
                yield ItemList(desc, self.make_editor)
            else:
                yield FieldRow(desc, self.make_editor(desc))

    def editors(self) -> list[Widget]:
        return [row.editor for row in self.query(FieldRow).results()]

    def apply(self, spec: VchSpec) -> bool:
        """Put this step's values into ``spec``; False when some field could not be read (shown beside it)."""
        values, ok = self.read()
        for path, value in values.items():
            set_value(spec, path, value)
        return ok

    def read(self) -> tuple[dict[str, Any], bool]:
        """This step's readable values by field path; False when some field could not be read (shown beside it)."""
        values: dict[str, Any] = {}
        ok = True
        for child in self.fields():
            try:
                values[child.path] = child.value()
            except ValueError:
                ok = False
        return values, ok

    def fields(self) -> list[FieldRow | ItemList]:
        """The step's fields and lists of items, in order."""
        return [child for child in self.children if isinstance(child, (FieldRow, ItemList))]

    def clear(self) -> None:
        self._message([])
        for child in self.children:
            if isinstance(child, FieldRow):
                child.show([], [])
            elif isinstance(child, ItemList):
                child.clear()

    def show_findings(self, findings: list[Finding]) -> None:
        """Each finding beside its field; those naming no field of this step at the top."""
        self.clear()
        per_row: dict[int, tuple[FieldRow, list[str], list[str]]] = {}
        loose: list[str] = []
        lists: dict[int, tuple[ItemList, list[str]]] = {}
        for finding in findings:
            text = f"{finding.message}. {finding.remedy}" if finding.remedy else finding.message
            rows, owner = self._rows_for(finding.path)
            if not rows and owner is not None:
                lists.setdefault(id(owner), (owner, []))[1].append(text)
                continue
            if not rows:
                loose.append(f"{finding.path}: {text}" if finding.path else text)
                continue
            for row in rows:
                entry = per_row.setdefault(id(row), (row, [], []))
                entry[1 if finding.level == ERROR else 2].append(text)
        for row, errors, warnings in per_row.values():
            row.show(errors, warnings)
        for owner, errors in lists.values():
            owner.show_list(errors)
        self._message(loose)
        first = next((row for row, errors, _ in per_row.values() if errors), None)
        if first is not None:
            self.scroll_to_widget(first, animate=False)

    def _rows_for(self, path: str) -> tuple[list[FieldRow], ItemList | None]:
        for child in self.children:
            if isinstance(child, ItemList) and (path == child.path or path.startswith(child.path + "[")):
                return child.rows_for(path), child
            if isinstance(child, FieldRow) and (path == child.path or path.startswith(child.path + "[")):
                return [child], None
        return [], None

    def _message(self, lines: list[str]) -> None:
        message = self.query_one(".step-message", Static)
        message.update("\n".join(f"✗ {line}" for line in lines))
        message.set_class(bool(lines), "-shown")
