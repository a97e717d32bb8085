"""A list of objects in a wizard step (volume stores, container networks): items of generated rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from tui.form_values import new_item, set_value
from tui.widgets.field_row import FieldRow

EditorFactory = Callable[[dict], Widget]


class ItemList(Vertical):
    """Each item is a box of the item's fields (from the description) with a Remove button; a removed item can
    be brought back with Undo remove until the wizard ends.

    ``desc["items"]``, when given, holds the items already there: for each, its fields' descriptions with the
    item's values as defaults (the Configure wizard's stored items). When ``desc["stored_note"]`` says so,
    stored items cannot be removed, and their fields marked ``locked`` cannot be edited.
    """

    DEFAULT_CSS = """
    ItemList { height: auto; margin-bottom: 1; }
    ItemList .item { height: auto; border: round $secondary; padding: 0 1; }
    ItemList .item.-removed { display: none; }
    ItemList .item-note { color: $text-muted; }
    ItemList .list-message { color: $error; }
    ItemList .list-buttons { height: auto; }
    ItemList .list-buttons Button { margin-right: 2; }
    ItemList .undo-remove { display: none; }
    ItemList.-undoable .undo-remove { display: block; }
    ItemList.-focused > .field-label { text-style: bold; color: $accent; }
    """

    def __init__(self, desc: dict, make_editor: EditorFactory) -> None:
        super().__init__()
        self.desc = desc
        self.path = desc["path"]
        self.make_editor = make_editor
        self.removed: list[Widget] = []

    @property
    def help(self) -> str:
        return self.desc.get("help") or ""

    @property
    def label(self) -> str:
        return self.desc["label"]

    @property
    def noun(self) -> str:
        return self.desc["label"].lower().rstrip("s")

    def compose(self) -> ComposeResult:
        yield Label(f"{self.desc['label']}", classes="field-label")
        yield Static("", classes="list-message", markup=False)
        for fields in self.desc.get("items", []):
            yield self._box(fields, stored=True)
        with Vertical(classes="list-buttons"):
            yield Button(f"Add {self.noun}", classes="add-item", compact=True)
            yield Button("Undo remove", classes="undo-remove", compact=True)

    def items(self) -> list[Widget]:
        return [box for box in self.query(".item").results() if not box.has_class("-removed")]

    @on(Button.Pressed, ".add-item")
    async def add_item(self, event: Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        box = self._box(self.desc["fields"])
        await self.mount(box, before=self.query_one(".list-buttons"))
        rows = list(box.query(FieldRow).results())
        if rows and event is not None:
            rows[0].editor.focus()

    def _box(self, fields: list[dict], stored: bool = False) -> Vertical:
        rows = [FieldRow(sub, self.make_editor(sub)) for sub in fields]
        locked = stored and bool(self.desc.get("stored_note"))
        for row in rows:
            if locked and row.desc.get("locked"):
                row.editor.disabled = True
        end = (Static(self.desc["stored_note"], classes="item-note", markup=False) if locked
               else Button("Remove", classes="remove-item", compact=True))
        return Vertical(*rows, end, classes="item" + (" -stored" if stored else ""))

    @on(Button.Pressed, ".remove-item")
    def remove_item(self, event: Button.Pressed) -> None:
        event.stop()
        box = event.button.parent
        if box is None:
            return
        box.add_class("-removed")
        self.removed.append(box)
        self.add_class("-undoable")
        self.call_after_refresh(self.query_one(".undo-remove", Button).focus)
        self.notify(f"Removed the {self.noun}; Undo remove brings it back")

    @on(Button.Pressed, ".undo-remove")
    def undo_remove(self, event: Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        if not self.removed:
            return
        box = self.removed.pop()
        box.remove_class("-removed")
        self.set_class(bool(self.removed), "-undoable")
        rows = list(box.query(FieldRow).results())
        if rows:
            self.call_after_refresh(rows[0].editor.focus)

    def value(self) -> list[Any]:
        """The items as model objects; ``ValueError`` when a field of one cannot be read."""
        out, failed = [], False
        for box in self.items():
            item = new_item(self.path)
            for row in box.query(FieldRow).results():
                try:
                    set_value(item, row.path[len(self.path) + 3:], row.value())
                except ValueError:
                    failed = True
            out.append(item)
        if failed:
            raise ValueError("an item has a field that cannot be read")
        return out

    def rows_for(self, path: str) -> list[FieldRow]:
        """The row an error path (``storage.volume_stores[1].label``) names."""
        prefix = f"{self.path}["
        if not path.startswith(prefix):
            return []
        index_text, _, rest = path[len(prefix):].partition("]")
        boxes = self.items()
        if not index_text.isdigit() or int(index_text) >= len(boxes):
            return []
        want = f"{self.path}[]{rest}"
        return [row for row in boxes[int(index_text)].query(FieldRow).results()
                if row.path == want or want.startswith(row.path + "[")]

    def show_list(self, errors: list[str]) -> None:
        self.query_one(".list-message", Static).update("\n".join(f"✗ {e}" for e in errors))

    def clear(self) -> None:
        self.show_list([])
        for row in self.query(FieldRow).results():
            row.show([], [])
