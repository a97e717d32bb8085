"""Which appliance and bootstrap ISOs this terminal deploys, found as the plug-in server finds its own.

The plug-in server reads ``appliance.iso`` and ``bootstrap.iso`` from its ``--iso-dir``, else from vic-machine's
default places (``$VIC_ISO_DIR``, else the current directory). ``vic-tui`` does the same, and ``--appliance-iso``
or ``--bootstrap-iso`` name a file of another name, as vic-machine's flags do.
"""

from __future__ import annotations

from pathlib import Path

from vic_machine.errors import InputError
from vic_machine.iso import APPLIANCE_FIELD, APPLIANCE_NAME, BOOTSTRAP_FIELD, BOOTSTRAP_NAME, check_isos, default_isos
from vic_machine.validate import Finding

STEP = "general"
# In the wizard, beside the field; elsewhere (an upgrade, a create refused later), how to point vic-tui at them.
REMEDY = ("Type the path of VIC Engine 1.5's {kind} ISO here, or start vic-tui with --iso-dir <folder with "
          "appliance.iso and bootstrap.iso>")
REMEDY_ELSEWHERE = ("Start vic-tui with --iso-dir <the folder holding VIC Engine 1.5's appliance.iso and "
                    "bootstrap.iso> (or set VIC_ISO_DIR, or give --appliance-iso and --bootstrap-iso)")


def installed_isos(appliance: str | Path | None = None, bootstrap: str | Path | None = None,
                   iso_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Absolute paths of the ISOs to deploy: the named files, else those of ``iso_dir``, else vic-machine's."""
    if iso_dir:
        found = (Path(iso_dir) / APPLIANCE_NAME, Path(iso_dir) / BOOTSTRAP_NAME)
    else:
        found = default_isos()
    chosen = (Path(appliance) if appliance else found[0], Path(bootstrap) if bootstrap else found[1])
    return chosen[0].expanduser().absolute(), chosen[1].expanduser().absolute()


def iso_findings(appliance: str | Path, bootstrap: str | Path) -> list[Finding]:
    """What is wrong with the two ISOs, as findings of the wizard's first step (none when both are usable)."""
    try:
        check_isos(Path(appliance).expanduser(), Path(bootstrap).expanduser())
    except InputError as exc:
        out = []
        for err in exc.errors:
            kind = "bootstrap" if err.path == BOOTSTRAP_FIELD else "appliance"
            out.append(Finding("error", "iso.invalid", err.path if err.path in (APPLIANCE_FIELD, BOOTSTRAP_FIELD)
                               else APPLIANCE_FIELD, STEP, err.message.replace("; use --force to deploy it anyway",
                                                                               ""),
                               REMEDY.format(kind=kind)))
        return out
    return []
