"""Entry point of ``vic-machine``: commands are registered here, errors printed once."""

from __future__ import annotations

import sys

import click

from vic_machine.cli.cert import cert
from vic_machine.cli.configure import configure
from vic_machine.cli.create import create
from vic_machine.cli.debug import debug
from vic_machine.cli.delete import delete
from vic_machine.cli.inspect import inspect
from vic_machine.cli.inventory import inventory
from vic_machine.cli.ls import ls
from vic_machine.cli.update import update
from vic_machine.cli.upgrade import upgrade
from vic_machine.cli.version import version
from vic_machine.cli.findings import show_findings
from vic_machine.cli.goflags import GoFlagsGroup
from vic_machine.cli.options import restore_log_level
from vic_machine.errors import Cancelled, InputError, OperationFailed, VicError
from vic_machine.operations.create import ValidationFailed


@click.group(cls=GoFlagsGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Create and manage virtual container hosts (VCHs) on vSphere."""


cli.add_command(version)
cli.add_command(ls)
cli.add_command(inventory)
cli.add_command(create)
cli.add_command(inspect)
cli.add_command(delete)
cli.add_command(cert)
cli.add_command(update)
cli.add_command(configure)
cli.add_command(upgrade)
cli.add_command(debug)


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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; core errors become one line on stderr and exit code 1 (2 for bad input)."""
    try:
        return _run(argv)
    finally:
        restore_log_level()


def _run(argv: list[str] | None) -> int:
    try:
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
    except ValidationFailed as exc:
        show_findings(exc.findings, "table")
        click.echo(f"Error: {exc}", err=True)
        return 2
    except OperationFailed as exc:
        click.echo(f"Error: {exc}", err=True)
        return 130 if isinstance(exc.cause, Cancelled) else 1
    except InputError as exc:
        for err in exc.errors:
            click.echo(f"Error: {_flag_for(err.path)}: {err.message}", err=True)
        return 2
    except VicError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
