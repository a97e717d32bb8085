"""A text input for one field of the wizard description."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tui.form_values import format_default, parse_text


class TextField(Input):
    """Typed text; :meth:`field_value` parses it as the field's type (``ValueError`` when it cannot)."""

    def __init__(self, desc: dict, **kwargs: Any) -> None:
        placeholder = ""
        if desc["multiple"]:
            placeholder = "comma-separated" + (" file paths" if desc["type"] == "pem" else "")
        elif desc["type"] == "pem":
            placeholder = "path of a PEM file"
        # The Configure wizard says what an empty field keeps (stored certificates, the stored password).
        placeholder = desc.get("placeholder", placeholder)
        super().__init__(value=format_default(desc), placeholder=placeholder,
                         password=bool(desc["secret"]) and desc["type"] != "pem", **kwargs)
        self.desc = desc

    def field_value(self) -> Any:
        return parse_text(self.value, self.desc)
