"""``vic-tui`` as a user runs it, for tests/test_tui_signals.py, which starts this in a pseudo-terminal.

Once logged in, a create of the VCH named in the arguments starts (as Create on the wizard's Summary does) and is
held at a given step until it is cancelled, so the test signals the process at a known point instead of racing
the run. When the TUI has quit, how the operation ended is written as JSON to the result file.

    python tests/tui_signal_child.py ARGS_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.app import VicTui  # noqa: E402 - after the path above
from tui.backend import Backend  # noqa: E402
from tui.known_hosts import KnownHosts  # noqa: E402
from tui.screens.operation import push_operation  # noqa: E402
from tui.screens.progress import ProgressScreen  # noqa: E402
from vic_machine.spec.model import VchSpec  # noqa: E402
from vic_machine.spec.network_model import ManagedObject  # noqa: E402
from vic_machine.target import parse_target  # noqa: E402


def main(args: dict) -> int:
    spec = VchSpec(name=args["name"])
    spec.compute.resource = ManagedObject(name="DC0_C0")
    spec.storage.image_stores = ["LocalDS_0"]
    spec.network.bridge.port_group = ManagedObject(name="DC0_DVPG0")
    held = Path(args["held"])

    class HeldBackend(Backend):
        def create(self, spec, sink, cancel_event):
            def holding(event):
                sink(event)
                if event.kind == "step" and event.step == args["hold_at"] and event.message == event.step:
                    held.write_text(event.step)
                    cancel_event.wait(60)

            return super().create(spec, holding, cancel_event)

    screens: list[ProgressScreen] = []

    class App(VicTui):
        def connected(self, backend, rows=None) -> None:
            super().connected(backend, rows)
            screens.append(ProgressScreen(backend, spec))
            self.call_after_refresh(push_operation, self, screens[0])

    isos = tuple(Path(p) for p in args["isos"])
    config = Path(args["config"])
    target = parse_target(args["target"], user=args["user"], password=args["password"],
                          thumbprint=args["thumbprint"], env={})
    app = App(target, auto_connect=True, known_hosts=KnownHosts(config / "known_hosts"),
              open_backend=lambda t: HeldBackend.connect(t, isos=isos, cert_root=config / "certs"))
    app.run()
    screen = screens[0] if screens else None
    Path(args["result"]).write_text(json.dumps({
        "return_code": app.return_code,
        "finished": bool(screen and screen.finished),
        "outcome": screen.outcome if screen else "",
        "text": screen.outcome_text if screen else "",
    }))
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
