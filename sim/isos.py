"""Small stand-ins for VIC's appliance and bootstrap ISOs, for the simulator and the tests.

They are real ISO 9660 images (written with pycdlib) that vic-machine's version check accepts: the
publisher ends with a VIC version tag, as VIC's build stamps its own. Everything else says they are
the simulator's: the publisher starts with "vic-plugin simulator", the volume id is ``VIC_SIM_…`` and the
only file, README.TXT, explains that nothing on them boots. They are never VMware's appliance.

``python -m sim.isos DIR [--version v1.5.8]`` writes ``DIR/appliance.iso`` and ``DIR/bootstrap.iso``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

import pycdlib

from vic_machine.errors import InputError
from vic_machine.iso import APPLIANCE_NAME, BOOTSTRAP_NAME, read_iso

KINDS = ("appliance", "bootstrap")
SIM_MARK = "vic-plugin simulator"
PUBLISHER_LIMIT = 128  # bytes of the ISO 9660 Publisher Identifier

README = """\
SIMULATED VIC {kind_upper} IMAGE - NOT A VMWARE PRODUCT

This image was made by vic-plugin's simulator (sim/isos.py) so that vic-machine can be
exercised against the embedded vCenter simulator. It stands in for the VIC Engine
{kind} ISO version {tag}, but it contains no operating system and boots nothing.
Its publisher field carries the version tag so that vic-machine's version check reads it.

For a real virtual container host, use the ISOs shipped with VIC Engine.
"""


def publisher_for(kind: str, tag: str) -> str:
    """The publisher text: the simulator's mark first, VIC's version tag last (the word vic-machine reads)."""
    text = f"{SIM_MARK} {kind} image, not VMware's {tag}"
    if len(text.encode("ascii")) > PUBLISHER_LIMIT:
        raise ValueError(f"publisher {text!r} does not fit the {PUBLISHER_LIMIT}-byte ISO 9660 field")
    return text


def make_iso(
    path: str | os.PathLike[str],
    kind: str = "appliance",
    version: str = "v1.5.8",
    build: str = "0",
    commit: str = "sim",
) -> Path:
    """Write a small ISO 9660 image standing in for VIC's ``kind`` ISO of ``version-build-commit``.

    The file is written under a temporary name and renamed, so a reader never sees half an image.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    tag = f"{version}-{build}-{commit}"
    target = Path(path)
    readme = README.format(kind=kind, kind_upper=kind.upper(), tag=tag).encode("ascii")

    image = pycdlib.PyCdlib()
    image.new(
        interchange_level=1,
        vol_ident=f"VIC_SIM_{kind.upper()}",
        pub_ident_str=publisher_for(kind, tag),
        app_ident_str="VIC-PLUGIN SIM/ISOS.PY",
    )
    image.add_fp(io.BytesIO(readme), len(readme), "/README.TXT;1")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        image.write(temp)
        image.close()
        # mkstemp makes the file private; an ISO is meant to be read by whoever uploads it.
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _is_current(path: Path, kind: str, tag: str) -> bool:
    try:
        info = read_iso(path)
    except InputError:
        return False
    return info.tag == tag and info.publisher == publisher_for(kind, tag)


def ensure_isos(
    directory: str | os.PathLike[str],
    version: str = "v1.5.8",
    build: str = "0",
    commit: str = "sim",
) -> tuple[Path, Path]:
    """Make ``directory/appliance.iso`` and ``directory/bootstrap.iso`` unless simulator ISOs of that version are there.

    Only the first sectors of an existing file are read, so calling it before every test costs little.
    A file that is not the simulator's image of that version is replaced.
    """
    tag = f"{version}-{build}-{commit}"
    paths = []
    for kind, name in (("appliance", APPLIANCE_NAME), ("bootstrap", BOOTSTRAP_NAME)):
        path = Path(directory) / name
        if not _is_current(path, kind, tag):
            make_iso(path, kind, version, build, commit)
        paths.append(path)
    return paths[0], paths[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.isos", description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="where to write appliance.iso and bootstrap.iso")
    parser.add_argument("--version", default="v1.5.8", help="VIC release the images claim (default v1.5.8)")
    parser.add_argument("--build", default="0", help="build number (default 0)")
    parser.add_argument("--commit", default="sim", help="commit part of the version tag (default sim)")
    args = parser.parse_args(argv)
    for path in ensure_isos(args.directory, args.version, args.build, args.commit):
        info = read_iso(path)
        print(f"{path}: {info.publisher}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
