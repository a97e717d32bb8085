"""One wizard step's fields, generated from the core's wizard description, with findings shown beside them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from vic_machine.spec.model import VchSpec
from vic_machine.validate import ERROR, Finding

from tui.advanced import is_advanced
from tui.form_values import set_value
from tui.widgets.field_row import FieldRow
from tui.widgets.item_list import ItemList


class StepForm(VerticalScroll):
    """The fields of ``step`` (a step of ``wizard_description()``), in the order the core lists them; the
    advanced ones in a collapsed "Advanced" section (open with ``advanced_open``) unless the step has only those.

    ``extra_rows`` are rows of this terminal's own (the ISOs), shown after the basic fields and checked with the
    step, but no part of the VCH specification.
    """

    DEFAULT_CSS = """
    StepForm { height: 1fr; padding: 0 1; }
    StepForm .step-message { display: none; color: $error; margin-bottom: 1; }
    StepForm .step-message.-shown { display: block; }
    StepForm Collapsible { padding: 0; border: none; margin-top: 1; }
    StepForm Collapsible Contents { padding: 0; }
    """

    def __init__(self, step: dict, make_editor: Callable[[dict], Widget], *, extra_rows: Sequence[FieldRow] = (),
                 advanced_open: bool = False, **kwargs) -> None:
        super().__init__(id=f"step-{step['id']}", **kwargs)
        self.step = step
        self.make_editor = make_editor
        self.extra_rows = list(extra_rows)
        self.advanced_open = advanced_open
        self._fields: list[FieldRow | ItemList] = []
        self.initial: dict[str, Any] | None = None  # the values before the user touched them, once mounted
        self._when_ready: list[Callable[[], None]] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="step-message", markup=False)
        basic = [d for d in self.step["fields"] if not is_advanced(d)]
        advanced = [d for d in self.step["fields"] if is_advanced(d)]
        if not basic:
            basic, advanced = advanced, []
        for desc in basic:
            yield self._make(desc)
        yield from self.extra_rows
        if advanced:
            more = f"{len(advanced)} more setting{'s' if len(advanced) != 1 else ''}"
            with Collapsible(title=f"Advanced: {more}", collapsed=not self.advanced_open,
                             id=f"advanced-{self.step['id']}"):
                for desc in advanced:
                    yield self._make(desc)

    def on_mount(self) -> None:
        # A wizard mounts a step when it is first shown: what it asked of it before waits until now.
        self.initial = self.read()[0]
        for call in self._when_ready:
            call()
        self._when_ready.clear()

    def when_ready(self, call: Callable[[], None]) -> None:
        """Run ``call`` now if the fields are mounted, else once they are."""
        if self.initial is None:
            self._when_ready.append(call)
        else:
            call()

    def _make(self, desc: dict) -> FieldRow | ItemList:
        widget: FieldRow | ItemList
        if desc["type"] == "object" and desc["multiple"]:
            widget = ItemList(desc, self.make_editor)
        else:
            widget = FieldRow(desc, self.make_editor(desc))
        self._fields.append(widget)
        return widget

    def editors(self) -> list[Widget]:
        """The editors of the step's fields, in order (the first gets the focus)."""
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
        """The step's fields and lists of items, in order (this terminal's own rows left out)."""
        return list(self._fields)

    def clear(self) -> None:
        self._message([])
        for child in [*self._fields, *self.extra_rows]:
            if isinstance(child, FieldRow):
                child.show([], [])
            else:
                child.clear()

    def show_findings(self, findings: list[Finding], note: str = "") -> None:
        """Each finding beside its field; those naming no field of this step (and ``note``) at the top."""
        self.clear()
        per_row: dict[int, tuple[FieldRow, list[str], list[str]]] = {}
        loose: list[str] = [note] if note else []
        lists: dict[int, tuple[ItemList, list[str]]] = {}
        for finding in findings:
            text = f"{finding.message}. {finding.remedy}" if finding.remedy else finding.message
            rows, owner = self._rows_for(finding.path)
            if not rows and owner is not None:
                lists.setdefault(id(owner), (owner, []))[1].append(text)
                continue
            if not rows:
                loose.append(text)
                continue
            for row in rows:
                entry = per_row.setdefault(id(row), (row, [], []))
                entry[1 if finding.level == ERROR else 2].append(text)
        for row, errors, warnings in per_row.values():
            row.show(errors, warnings)
        for owner, errors in lists.values():
            owner.show_list(errors)
        self._message(loose)
        marked = [row for row, errors, _ in per_row.values() if errors] + [owner for owner, _ in lists.values()]
        for widget in marked:
            for ancestor in widget.ancestors:
                if isinstance(ancestor, Collapsible):
                    ancestor.collapsed = False
        if marked:
            self.call_after_refresh(self.scroll_to_widget, marked[0], animate=False)

    def _rows_for(self, path: str) -> tuple[list[FieldRow], ItemList | None]:
        for child in [*self._fields, *self.extra_rows]:
            if isinstance(child, ItemList) and (path == child.path or path.startswith(child.path + "[")):
                return child.rows_for(path), child
            if isinstance(child, FieldRow) and (path == child.path or path.startswith(child.path + "[")):
                return [child], None
        return [], None

    def _message(self, lines: list[str]) -> None:
        message = self.query_one(".step-message", Static)
        message.update("\n".join(f"✗ {line}" for line in lines))
        message.set_class(bool(lines), "-shown")
