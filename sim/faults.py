"""Client of the simulator's fault-injection endpoint (``<control_url>/faults``).

A rule makes a named SOAP method fail with a named vSphere fault (``fault``,
any vim25 fault type name such as ``InvalidArgument`` or ``NotFound``) for the
next ``count`` calls (0 = every call), and/or answer after ``delay_ms``. With
``fault=None`` the call only waits, then runs normally. With ``task=True`` a
``*_Task`` method returns a task that ends in error with the fault instead of
failing the call itself.
"""

from __future__ import annotations

from typing import Any

from sim.control import ControlEndpoint


class FaultClient(ControlEndpoint):
    """Add, list and reset fault rules on one simulator."""

    name = "faults"

    def inject(
        self,
        method: str,
        fault: str | None = "RuntimeFault",
        count: int = 1,
        delay_ms: int = 0,
        message: str = "",
        task: bool = False,
    ) -> dict[str, Any]:
        """Add a rule for SOAP ``method`` (e.g. ``"CreateVM_Task"``); return it as stored.

        :raise ValueError: the simulator refused the rule (unknown fault type, ...).
        """
        rule = {
            "method": method,
            "fault": fault or "",
            "count": count,
            "delay_ms": delay_ms,
            "message": message,
            "task": task,
        }
        return self._call("POST", rule)

    def delay(self, method: str, delay_ms: int, count: int = 1) -> dict[str, Any]:
        """Make ``method`` answer normally but ``delay_ms`` later."""
        return self.inject(method, fault=None, count=count, delay_ms=delay_ms)

    def list(self) -> list[dict[str, Any]]:
        """The rules still in force, each with ``hits`` so far."""
        return self._call("GET")

    def reset(self) -> None:
        """Remove every rule."""
        self._call("DELETE")
