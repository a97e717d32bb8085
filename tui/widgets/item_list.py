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
    """Each item is a box of the item's fields (from the description) with a Remove button.

    ``desc["items"]``, when given, holds the items already there: for each, its fields' descriptions with the
    item's values as defaults (the Configure wizard's stored items).
    """

    DEFAULT_CSS = """
    ItemList { height: auto; margin-bottom: 1; }
    ItemList .item { height: auto; border: round $secondary; padding: 0 1; }
    ItemList .item-buttons { height: auto; }
    ItemList .list-message { color: $error; }
    """

    def __init__(self, desc: dict, make_editor: EditorFactory) -> None:
        super().__init__()
        self.desc = desc
        self.path = desc["path"]
        self.make_editor = make_editor

    def compose(self) -> ComposeResult:
        yield Label(f"{self.desc['label']}", classes="field-label")
        if self.desc["help"]:
            yield Static(self.desc["help"], classes="field-help", markup=False)
        yield Static("", classes="list-message", markup=False)
        for fields in self.desc.get("items", []):
            yield self._box(fields)
        yield Button(f"Add {self.desc['label'].lower().rstrip('s')}", classes="add-item", compact=True)

    def items(self) -> list[Widget]:
        return list(self.query(".item").results())

    @on(Button.Pressed, ".add-item")
    async def add_item(self, event: Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        await self.mount(self._box(self.desc["fields"]), before=self.query_one(".add-item"))

    def _box(self, fields: list[dict]) -> Vertical:
        rows = [FieldRow(sub, self.make_editor(sub)) for sub in fields]
        return Vertical(*rows, Button("Remove", classes="remove-item", compact=True), classes="item")

    @on(Button.Pressed, ".remove-item")
    async def remove_item(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.parent is not None:
            await event.button.parent.remove()

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
