"""Flags shared by several commands, defined once."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import click

from vic_machine.cli import debug_log
from vic_machine.target import Target, parse_target

if TYPE_CHECKING:
    from vic_machine.vsphere.session import Session


def target_options(func):
    """--target, --user, --password, --thumbprint, --force, as vic-machine 1.5 names them."""

    @click.option("--target", "-t", envvar="VIC_MACHINE_TARGET",
                  help="vCenter URL: https://[user[:password]@]host[:port][/datacenter]")
    @click.option("--user", "-u", envvar="VIC_MACHINE_USER", help="vCenter user name")
    @click.option("--password", "-p", envvar="VIC_MACHINE_PASSWORD", help="vCenter password (prompted if missing)")
    @click.option("--thumbprint", envvar="VIC_MACHINE_THUMBPRINT",
                  help="SHA-1 or SHA-256 thumbprint of vCenter's certificate")
    @click.option("--force", "-f", is_flag=True, help="Accept an untrusted certificate and override checks")
    @functools.wraps(func)
    def wrapper(*args, target, user, password, thumbprint, force, **kwargs):
        parsed = parse_target(target, user=user, password=password, thumbprint=thumbprint, env={})
        if parsed.user and not parsed.password:
            parsed = parse_target(target, user=user, thumbprint=thumbprint, env={},
                                  password=click.prompt(f"Password for {parsed.user}", hide_input=True))
        return func(*args, target=parsed, force=force, **kwargs)

    return wrapper


def output_option(func):
    return click.option("--output", "-o", type=click.Choice(["table", "json"]), default="table",
                        show_default=True, help="Output format")(func)


def open_session(target: Target, force: bool, timeout: float | None = None) -> Session:
    """Log in; ``timeout`` (seconds, from ``--timeout``) bounds every answer vCenter owes this session."""
    from vic_machine.vsphere.session import connect  # pyVmomi: only for commands that log in

    debug_log.debug("Connecting to %s", target.display)
    session = connect(target, force=force) if timeout is None else connect(target, force=force, timeout=timeout)
    debug_log.debug("Logged in to %s as %s (certificate SHA-256 %s)", target.display, session.user,
                    session.thumbprint_sha256)
    return session


def timeout_option(what: str):
    """``--timeout``, as vic-machine 1.5.8 takes it on every command (default 3m)."""
    return click.option("--timeout", default="3m", show_default=True, help=f"How long to wait for {what}")


def debug_option(hidden: bool = True):
    """``--debug/-v N`` of the commands where it is only the verbosity of vic-machine's own log."""
    return click.option("--debug", "-v", type=click.IntRange(min=0), default=None, hidden=hidden, expose_value=False,
                        callback=lambda ctx, param, value: debug_log.show(value),
                        help="0 (default): quiet; 1 and above: vic-machine's debug log on stderr")


def _show_extended_help(ctx: click.Context, param, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    hidden = [p for p in ctx.command.params if getattr(p, "hidden", False)]
    for p in hidden:
        p.hidden = False
    try:
        click.echo(ctx.get_help(), color=ctx.color)
    finally:
        for p in hidden:
            p.hidden = True
    ctx.exit()


def extended_help_option(func):
    """``-x/--extended-help``: the help with every option, the advanced ones ``--help`` leaves out (as 1.5.8)."""
    return click.option("--extended-help", "-x", is_flag=True, expose_value=False, is_eager=True,
                        callback=_show_extended_help,
                        help="Show every option, the advanced ones --help leaves out")(func)
