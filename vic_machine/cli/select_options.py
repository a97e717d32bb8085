"""Flags that select one VCH (``--name``/``--id``, ``--compute-resource``) and the ISO flags, defined once."""

from __future__ import annotations

import re
from pathlib import Path

import click

from vic_machine.errors import FieldError, InputError
from vic_machine.iso import IsoInfo, default_isos, read_iso


def select_options(func):
    func = click.option("--compute-resource", "-r", default="", help="Cluster, host or pool the VCH is under")(func)
    func = click.option("--id", "vch_id", default="", help="The VCH's id (vm-42), as `vic-machine ls` shows it")(func)
    return click.option("--name", "-n", default="", help="Name of the VCH")(func)


def parse_timeout(text: str) -> float:
    """``3m``, ``90s``, ``1m30s`` or a number of seconds, as vic-machine's --timeout takes it."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
    if not text or not match:
        raise InputError(FieldError("timeout", f"{text!r} is not a duration such as 3m, 90s or 1m30s"))
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def held_iso(path: str | None) -> IsoInfo | None:
    """The appliance ISO to compare VCH versions with: the one named, else the default one if it is there."""
    candidate = Path(path) if path else default_isos()[0]
    if not path and not candidate.exists():
        return None
    return read_iso(candidate)
