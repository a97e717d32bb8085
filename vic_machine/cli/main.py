"""Entry point of ``vic-machine``: commands are registered here, errors printed once.

Each command's module is imported only when that command runs (or its own help is asked for): ``--help`` and
``version`` load neither pyVmomi nor the spec, and ``ls`` only what listing needs.
"""

from __future__ import annotations

import gc
import importlib
import sys

import click

from vic_machine.cli.goflags import GoFlagsGroup
from vic_machine.errors import Cancelled, InputError, OperationFailed, VicError

# name → (module, attribute, short help as the command's own docstring gives it; a test keeps them equal)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "version": ("vic_machine.cli.version", "version", "Show the version of vic-machine."),
    "ls": ("vic_machine.cli.ls", "ls", "List the virtual container hosts of a datacenter."),
    "inventory": ("vic_machine.cli.inventory", "inventory",
                  "Show the compute resources, hosts, datastores and networks a VCH can use."),
    "create": ("vic_machine.cli.create", "create",
               "Create a virtual container host (-x shows the advanced options too)."),
    "inspect": ("vic_machine.cli.inspect", "inspect",
                "Show a VCH's endpoints and Docker settings; `inspect config` prints the create options it is "
                "configured with, rebuilt from its configuration as vic-machine 1.5.8 prints them."),
    "delete": ("vic_machine.cli.delete", "delete", "Delete a VCH and its containers."),
    "cert": ("vic_machine.cli.cert", "cert",
             "Package a VCH's client certificates for Docker clients (the key is never stored in vCenter)."),
    "update": ("vic_machine.cli.update", "update", "Change settings of the target (firewall)."),
    "configure": ("vic_machine.cli.configure", "configure",
                  "Change the configuration of a VCH; a change needing a restart is done under a snapshot "
                  "(-x: every flag)."),
    "upgrade": ("vic_machine.cli.upgrade", "upgrade",
                "Upgrade a VCH to the version of the ISOs; --force even when it has that version already."),
    "debug": ("vic_machine.cli.debug", "debug",
              "Enable SSH in a VCH's endpoint VM and set its root password, for troubleshooting."),
}


class LazyGroup(GoFlagsGroup):
    """A group that imports a command's module when the command is looked up, not before.

    The group's own ``--help`` lists the commands from :data:`COMMANDS` without importing any of them.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attr, _ = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None and command.hidden:
                continue
            rows.append((name, command, COMMANDS.get(name, ("", "", ""))[2]))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([
                    (name, command.get_short_help_str(limit) if command is not None
                     else click.utils.make_default_short_help(short, limit))
                    for name, command, short in rows])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Create and manage virtual container hosts (VCHs) on vSphere."""


def _flag_for(path: str) -> str:
    """How a CLI user knows a field: its flag (``--compute-resource``), with the model path when there is one."""
    from vic_machine.spec import field

    try:
        flags = field(path).meta.flags
    except KeyError:
        flags = ()
    if not flags:
        return {"target": "--target", "thumbprint": "--thumbprint", "timeout": "--timeout"}.get(path, path)
    return f"{flags[0]} ({path})"


def run() -> None:
    """The ``vic-machine`` console script: :func:`main`, then exit without the interpreter's last collection."""
    code = main()
    # At exit the interpreter searches every object still alive for reference cycles (pyVmomi's thousands of types
    # among them), only to free memory the process is about to give back: an eighth of ``ls`` on a small vCenter.
    # Frozen, they are left out; what the command opened it has closed by now (files in ``with``, the session
    # logged out), and modules are still torn down, so buffers are flushed as usual.
    gc.freeze()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; core errors become one line on stderr and exit code 1 (2 for bad input)."""
    try:
        return _run(argv)
    finally:
        shown = sys.modules.get("vic_machine.cli.debug_log")  # only a command that ran can have set it
        if shown is not None:
            shown.restore()


def _run(argv: list[str] | None) -> int:
    from vic_machine.operations.interrupts import cancel_on_signals

    try:
        # SIGTERM and SIGHUP (a closed terminal) stop an operation as Ctrl-C does: it is cancelled and undone.
        with cancel_on_signals():
            code = cli.main(args=argv, prog_name="vic-machine", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except VicError as exc:
        return _report(exc)
    return code if isinstance(code, int) else 0


def _report(exc: VicError) -> int:
    """Print a core error once; the exit code 1.5.8 gives it (2 for bad input, 130 when cancelled)."""
    create = sys.modules.get("vic_machine.operations.create")  # loaded whenever ValidationFailed can be raised
    if create is not None and isinstance(exc, create.ValidationFailed):
        from vic_machine.cli.findings import show_findings

        show_findings(exc.findings, "table")
        click.echo(f"Error: {exc}", err=True)
        return 2
    if isinstance(exc, InputError):
        for err in exc.errors:
            click.echo(f"Error: {_flag_for(err.path)}: {err.message}", err=True)
        return 2
    click.echo(f"Error: {exc}", err=True)
    if isinstance(exc, OperationFailed):
        return 130 if isinstance(exc.cause, Cancelled) else 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
