"""Which widget edits a field of the wizard description: chosen by the field's type, pickers from the inventory."""

from __future__ import annotations

from textual.widget import Widget

from vic_machine.inventory import Inventory

from tui.widgets.bool_field import BoolField
from tui.widgets.choice_field import ChoiceField
from tui.widgets.compute_tree import ComputeTree
from tui.widgets.datastore_picker import ImageStoreEditor
from tui.widgets.network_picker import NetworkPicker
from tui.widgets.text_field import TextField

# Managed objects are picked from the inventory; which inventory list depends on what the object is.
_COMPUTE_RESOURCE = "compute.resource"
_IMAGE_STORES = "storage.image_stores"


def make_editor(desc: dict, inventory: Inventory) -> Widget:
    """A fresh editor widget for one field (``desc`` from ``wizard_description()``)."""
    kind = desc["type"]
    if desc["path"] == _COMPUTE_RESOURCE:
        return ComputeTree(desc, inventory)
    if kind == "managed_object":
        return NetworkPicker(desc, inventory, compact=True)
    if desc["path"] == _IMAGE_STORES:
        return ImageStoreEditor(desc, inventory, compact=True)
    if kind == "boolean":
        return BoolField(desc, compact=True)
    if desc["choices"] and not desc["multiple"]:
        return ChoiceField(desc, compact=True)
    return TextField(desc, compact=True)
