"""``vic-machine debug --enable-ssh [--authorized-key FILE] [--rootpw PASSWORD]``."""

from __future__ import annotations

from pathlib import Path

import click

from vic_machine.cli.options import debug_option, open_session, output_option, target_options, timeout_option
from vic_machine.cli.output import console, emit_json
from vic_machine.cli.select_options import parse_timeout, select_options
from vic_machine.errors import FieldError, InputError
from vic_machine.operations.debug import check_input
from vic_machine.operations.debug import debug as debug_vch
from vic_machine.operations.find import find_vch


def _read_key(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(FieldError("authorized_key", f"cannot read {path}: {exc}")) from None


@click.command()
@target_options
@select_options
@output_option
@click.option("--enable-ssh", "--ssh", "enable_ssh", is_flag=True, help="Start the SSH server in the endpoint VM")
@click.option("--authorized-key", "--key", "authorized_key", default=None,
              help="File with the public key to put in root's authorized_keys")
@click.option("--rootpw", "--pw", "rootpw", default=None,
              help="Password to set for root (lasts until the endpoint VM restarts)")
@timeout_option("the operation")
@debug_option()
def debug(target, force, name, vch_id, compute_resource, output, enable_ssh, authorized_key, rootpw,
          timeout) -> None:
    """Enable SSH in a VCH's endpoint VM and set its root password, for troubleshooting."""
    seconds = parse_timeout(timeout)
    key = _read_key(authorized_key)
    check_input(enable_ssh, key, rootpw)
    session = open_session(target, force, timeout=seconds)
    try:
        vch = find_vch(session, vch_id=vch_id, name=name, compute_resource=compute_resource)
        result = debug_vch(session, vch, enable_ssh=enable_ssh, authorized_key=key, root_password=rootpw)
    finally:
        session.logout()
    if output == "json":
        emit_json(result.to_dict())
        return
    done = []
    if result.ssh_enabled:
        done.append("SSH enabled" + (" with the authorized key" if result.authorized_key else ""))
    if result.root_password_set:
        done.append("root password set")
    console.print(f"[green]Completed successfully[/]: VCH {result.name}: {', '.join(done)} "
                  "(until the endpoint VM restarts)", highlight=False, soft_wrap=True)
