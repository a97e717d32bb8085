"""Flags shared by several commands, defined once."""

from __future__ import annotations

import functools

import click

from vic_machine.target import Target, parse_target
from vic_machine.vsphere.session import Session, connect


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


def open_session(target: Target, force: bool) -> Session:
    return connect(target, force=force)
