"""``--debug N``: vic-machine's own debug log on stderr, as 1.5.8's ``--debug`` shows its own.

``logging`` (with the traceback, textwrap and string modules it loads: a tenth of what ``ls`` loads beyond pyVmomi)
is imported only once the log was asked for; until then :func:`debug` costs nothing.
"""

from __future__ import annotations

import sys

_shown = False


def debug(message: str, *args) -> None:
    """A debug record of the CLI, written only under ``--debug`` above 0."""
    if _shown:
        import logging

        logging.getLogger("vic_machine.cli").debug(message, *args)


def show(level: int | None) -> None:
    """``--debug N``: above 0, every ``vic_machine`` logger's debug records go to stderr."""
    global _shown
    if not level or level <= 0:
        return
    import logging

    logger = logging.getLogger("vic_machine")
    if not any(getattr(h, "vic_machine_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(_Stderr())
        handler.vic_machine_cli = True
        handler.previous_level = logger.level
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    _shown = True


def restore() -> None:
    """Undo :func:`show` when a command is done (``main`` may run many commands in one process)."""
    global _shown
    if not _shown:
        return
    import logging

    logger = logging.getLogger("vic_machine")
    for handler in [h for h in logger.handlers if getattr(h, "vic_machine_cli", False)]:
        logger.removeHandler(handler)
        logger.setLevel(handler.previous_level)
    _shown = False


class _Stderr:
    """Whatever ``sys.stderr`` is when a record is written (tests and ``main`` swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()
