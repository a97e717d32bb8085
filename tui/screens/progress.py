"""Creating a VCH: the operation screen running the core's create."""

from __future__ import annotations

import threading
from typing import Any

from vic_machine.operations.plan import Sink
from vic_machine.spec.model import VchSpec

from tui.screens.operation import OperationScreen


class ProgressScreen(OperationScreen):
    """Creates ``spec``; the outcome is "created", "failed" or "cancelled"."""

    NOTHING_DONE = "Nothing had been created."

    def __init__(self, backend, spec: VchSpec, back_label: str = "Close") -> None:
        super().__init__(backend, f"Creating VCH {spec.name}", back_label=back_label)
        self.spec = spec

    def run(self, sink: Sink, cancel_event: threading.Event) -> Any:
        return self.backend.create(self.spec, sink, cancel_event)

    def succeeded(self, result: Any) -> tuple[str, str]:
        lines = [f"Created {result.name}. Docker endpoint: {result.docker_host}"]
        lines += [f"  {key}={value}" for key, value in result.docker_env.items()]
        if result.cert_files:
            lines.append(f"Client certificates: {self.backend.cert_dir(result.name)}")
        lines += [f"! {note}" for note in result.warnings]
        return "created", "\n".join(lines)
