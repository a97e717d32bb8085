"""Errors as a terminal user reads them: what failed, in the words of the form, and what to do about it.

The core names fields by their path in the model (``appliance_iso``, ``network.bridge.port_group``); shown alone,
those say nothing to a user. Here each becomes the field's label, the wizard step showing it, and a remedy.
"""

from __future__ import annotations

import re

from vic_machine.errors import InputError, OperationFailed, VicError
from vic_machine.iso import APPLIANCE_FIELD, BOOTSTRAP_FIELD
from vic_machine.spec import STEPS, field

from tui.isos import REMEDY_ELSEWHERE

_INDEX = re.compile(r"\[(\d+)\]")
# Fields the core's errors name that are no part of the VCH model.
_LABELS = {
    APPLIANCE_FIELD: ("Appliance ISO", "general"),
    BOOTSTRAP_FIELD: ("Bootstrap ISO", "general"),
    "enable_ssh": ("Enable SSH", ""),
    "authorized_key": ("Authorized public key", ""),
    "root_password": ("Root password", ""),
    "target": ("Target", ""),
    "thumbprint": ("Thumbprint", ""),
}
_REMEDIES = {APPLIANCE_FIELD: REMEDY_ELSEWHERE, BOOTSTRAP_FIELD: REMEDY_ELSEWHERE}
_STEP_TITLES = dict(STEPS)


def label_of(path: str) -> tuple[str, str]:
    """The label of the field at ``path`` (items numbered from 1) and the id of the wizard step showing it."""
    if path in _LABELS:
        return _LABELS[path]
    try:
        info = field(path)
    except KeyError:
        return path.rpartition(".")[2].replace("_", " ").capitalize() or "Input", ""
    label = info.label
    indexes = _INDEX.findall(path)
    if indexes:
        label = f"{label} (item {int(indexes[0]) + 1})"
    return label, info.step


def field_sentence(path: str, message: str) -> str:
    """``Bridge network (Networks step): … . <remedy>`` for one problem with one field."""
    label, step = label_of(path)
    where = f" ({_STEP_TITLES[step]} step)" if step in _STEP_TITLES and step != "summary" else ""
    text = f"{label}{where}: {message.rstrip('.')}"
    remedy = _REMEDIES.get(path)
    return f"{text}. {remedy}" if remedy else text


def user_message(exc: BaseException) -> str:
    """The text shown for an error: never a bare field path, always what to do when the core says it."""
    from vic_machine.operations.create import ValidationFailed

    if isinstance(exc, InputError):
        # Both ISOs missing say the same remedy: once is enough.
        parts = [field_sentence(e.path, e.message) for e in exc.errors]
        parts = [p.replace(f". {REMEDY_ELSEWHERE}", "") if i < len(parts) - 1 and p.endswith(REMEDY_ELSEWHERE)
                 and parts[-1].endswith(REMEDY_ELSEWHERE) else p for i, p in enumerate(parts)]
        return ". ".join(parts).rstrip(".") + "."
    if isinstance(exc, ValidationFailed):
        errors = [f for f in exc.findings if f.level == "error"]
        parts = [field_sentence(f.path, f"{f.message}. {f.remedy}" if f.remedy else f.message) for f in errors]
        return ". ".join(parts).rstrip(".") + "." if parts else str(exc)
    if isinstance(exc, OperationFailed):
        cause = exc.cause if isinstance(exc.cause, BaseException) else None
        inner = user_message(cause) if cause is not None else ""
        return f"Failed at step '{exc.step}': {inner}" if inner else str(exc)
    if isinstance(exc, VicError):
        return str(exc)
    return str(exc) or type(exc).__name__
