"""The embedded vCenter: govmomi's simulator extended for this project (see sim/README.md).

``Simulator.start(**model)`` builds (when needed) and starts it; ``Simulator.faults``
injects failures. ``python -m sim`` runs one in the foreground.
"""

from typing import Any

__all__ = ["FaultClient", "Simulator", "SimulatorError"]


def __getattr__(name: str) -> Any:
    # Lazy, so ``python -m sim.build`` runs without importing the runner first.
    if name == "FaultClient":
        from sim.faults import FaultClient

        return FaultClient
    if name in ("Simulator", "SimulatorError"):
        from sim import runner

        return getattr(runner, name)
    raise AttributeError(name)
