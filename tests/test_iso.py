"""Appliance and bootstrap ISOs: the simulator's images, and vic-machine's reading and version check of them.

No simulator and no isoinfo/xorriso needed: the images are made with pycdlib, read back by our own parser.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pycdlib
import pytest

from sim.isos import ensure_isos, main, make_iso, publisher_for
from vic_machine.errors import InputError
from vic_machine.iso import check_isos, default_isos, parse_tag, read_iso


def _pair(directory: Path, app_version: str = "v1.5.8", boot_version: str = "v1.5.8",
          app_build: str = "0", boot_build: str = "0") -> tuple[Path, Path]:
    app = make_iso(directory / "appliance.iso", "appliance", app_version, app_build)
    boot = make_iso(directory / "bootstrap.iso", "bootstrap", boot_version, boot_build)
    return app, boot


def _foreign_iso(path: Path, publisher: str) -> Path:
    """An ISO written the way VIC's build (or anyone else) would, not by sim.isos."""
    image = pycdlib.PyCdlib()
    image.new(vol_ident="ISOIMAGE", pub_ident_str=publisher)
    image.add_fp(io.BytesIO(b"x"), 1, "/X.TXT;1")
    image.write(str(path))
    image.close()
    return path


def _fields(exc: pytest.ExceptionInfo[InputError]) -> dict[str, list[str]]:
    return exc.value.by_field()


def test_simulator_iso_reads_back_with_its_version(tmp_path):
    path = make_iso(tmp_path / "a.iso", "appliance", "v1.5.8", "21221", "c1d1e1f")
    info = read_iso(path)
    assert (info.version, info.build, info.commit) == ("v1.5.8", "21221", "c1d1e1f")
    assert info.tag == "v1.5.8-21221-c1d1e1f"
    assert info.release == "v1.5.8-21221"
    assert info.publisher == "vic-plugin simulator appliance image, not VMware's v1.5.8-21221-c1d1e1f"
    assert info.volume_id == "VIC_SIM_APPLIANCE"
    assert info.size == path.stat().st_size and info.size % 2048 == 0
    assert info.datastore_name("appliance") == "v1.5.8-21221-c1d1e1f-appliance.iso"


def test_vic_build_publisher_format_is_read(tmp_path):
    # VIC's own build writes "VMware Inc. <tag>"; the sample VCH's CD-ROM shows the uploaded name.
    info = read_iso(_foreign_iso(tmp_path / "real.iso", "VMware Inc. v1.5.8-0-abc"), "bootstrap_iso")
    assert (info.version, info.build, info.commit, info.tag) == ("v1.5.8", "0", "abc", "v1.5.8-0-abc")
    assert info.volume_id == "ISOIMAGE"
    assert info.datastore_name("appliance") == "v1.5.8-0-abc-appliance.iso"


def test_release_candidate_tags_keep_their_suffix():
    assert parse_tag("v1.5.0-rc2-1234-0f1e2d3") == ("v1.5.0-rc2", "1234", "0f1e2d3")
    assert parse_tag("v1.5.8-0-abc") == ("v1.5.8", "0", "abc")
    assert parse_tag("1.5.8") is None
    assert parse_tag("v1.5.8-abc") is None


def test_simulator_publisher_fits_and_says_it_is_not_vmware():
    text = publisher_for("bootstrap", "v1.5.8-0-sim")
    assert len(text) <= 128
    assert text.startswith("vic-plugin simulator") and "not VMware's" in text
    assert text.split()[-1] == "v1.5.8-0-sim"
    with pytest.raises(ValueError, match="128"):
        publisher_for("appliance", "v1.5.8-0-" + "f" * 100)


def test_image_is_a_real_iso_with_readme(tmp_path):
    path = make_iso(tmp_path / "b.iso", "bootstrap", "v1.5.8")
    image = pycdlib.PyCdlib()
    image.open(str(path))
    try:
        out = io.BytesIO()
        image.get_file_from_iso_fp(out, iso_path="/README.TXT;1")
        assert image.pvd.publisher_identifier.text.decode().rstrip().endswith("v1.5.8-0-sim")
    finally:
        image.close()
    readme = out.getvalue().decode()
    assert "SIMULATED VIC BOOTSTRAP IMAGE - NOT A VMWARE PRODUCT" in readme
    assert "v1.5.8-0-sim" in readme and "boots nothing" in readme


def test_matching_isos_pass_without_warnings(tmp_path):
    app, boot = _pair(tmp_path)
    checked = check_isos(app, boot, expected_version="v1.5.8")
    assert (checked.appliance.tag, checked.bootstrap.tag, checked.warnings) == ("v1.5.8-0-sim", "v1.5.8-0-sim", [])
    # vic-machine ignores the commit part: an installer built from another commit accepts them.
    assert check_isos(app, boot, expected_version="v1.5.8-0-c1d1e1f").warnings == []


def test_version_mismatch_between_isos_refused_unless_forced(tmp_path):
    app, boot = _pair(tmp_path, boot_version="v1.5.7")
    with pytest.raises(InputError) as exc:
        check_isos(app, boot)
    fields = _fields(exc)
    assert list(fields) == ["bootstrap_iso"]
    assert "v1.5.7-0-sim" in fields["bootstrap_iso"][0] and "--force" in fields["bootstrap_iso"][0]

    checked = check_isos(app, boot, force=True)
    assert checked.bootstrap.version == "v1.5.7"
    assert len(checked.warnings) == 1 and checked.warnings[0].startswith("bootstrap_iso:")


def test_installer_version_mismatch_names_each_iso(tmp_path):
    app, boot = _pair(tmp_path)
    with pytest.raises(InputError) as exc:
        check_isos(app, boot, expected_version="v1.5.7")
    assert sorted(_fields(exc)) == ["appliance_iso", "bootstrap_iso"]
    assert "inconsistent with installer version v1.5.7" in str(exc.value)

    forced = check_isos(app, boot, expected_version="v1.5.7", force=True)
    assert forced.appliance.version == "v1.5.8" and len(forced.warnings) == 2


def test_build_number_counts_in_the_comparison(tmp_path):
    app, boot = _pair(tmp_path, boot_build="7")
    with pytest.raises(InputError, match="bootstrap_iso"):
        check_isos(app, boot)
    with pytest.raises(InputError, match="appliance_iso"):
        check_isos(app, app, expected_version="v1.5.8-7")


def test_non_iso_file_refused_naming_the_field(tmp_path):
    app, _ = _pair(tmp_path)
    junk = tmp_path / "notes.iso"
    junk.write_bytes(b"not an image\n" * 4000)  # long enough to have a sector 16
    with pytest.raises(InputError) as exc:
        check_isos(app, junk)
    assert _fields(exc) == {"bootstrap_iso": [f"{junk} is not an ISO 9660 image"]}

    empty = tmp_path / "empty.iso"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"appliance_iso: .*empty.iso is not an ISO 9660 image"):
        read_iso(empty, "appliance_iso")


def test_missing_files_refused_both_reported(tmp_path):
    with pytest.raises(InputError) as exc:
        check_isos(tmp_path / "nope-a.iso", tmp_path / "nope-b.iso")
    fields = _fields(exc)
    assert fields["appliance_iso"] == [f"{tmp_path / 'nope-a.iso'} does not exist"]
    assert fields["bootstrap_iso"] == [f"{tmp_path / 'nope-b.iso'} does not exist"]


def test_iso_without_version_refused_even_when_forced(tmp_path):
    app, _ = _pair(tmp_path)
    plain = _foreign_iso(tmp_path / "plain.iso", "SOMEONE ELSE")
    with pytest.raises(InputError) as exc:
        check_isos(app, plain, force=True)
    message = _fields(exc)["bootstrap_iso"][0]
    assert "no VIC version" in message and "SOMEONE ELSE" in message


def test_default_location_from_environment_or_current_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("VIC_ISO_DIR", str(tmp_path / "isos"))
    assert default_isos() == (tmp_path / "isos" / "appliance.iso", tmp_path / "isos" / "bootstrap.iso")
    ensure_isos(tmp_path / "isos")
    assert check_isos(expected_version="v1.5.8").appliance.path == str(tmp_path / "isos" / "appliance.iso")

    monkeypatch.delenv("VIC_ISO_DIR")
    monkeypatch.chdir(tmp_path)
    assert [p.resolve() for p in default_isos()] == [tmp_path / "appliance.iso", tmp_path / "bootstrap.iso"]
    with pytest.raises(InputError, match="appliance.iso does not exist"):
        check_isos()


def test_ensure_isos_is_idempotent_and_follows_the_version(tmp_path):
    app, boot = ensure_isos(tmp_path)
    assert (app.name, boot.name) == ("appliance.iso", "bootstrap.iso")
    assert read_iso(boot).publisher.startswith("vic-plugin simulator bootstrap")
    before = [os.stat(p).st_ino for p in (app, boot)]
    assert ensure_isos(tmp_path) == (app, boot)
    assert [os.stat(p).st_ino for p in (app, boot)] == before  # not rewritten

    ensure_isos(tmp_path, version="v1.5.7")
    assert {read_iso(p).tag for p in (app, boot)} == {"v1.5.7-0-sim"}

    app.write_bytes(b"garbage")
    ensure_isos(tmp_path, version="v1.5.7")
    assert read_iso(app).tag == "v1.5.7-0-sim"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["appliance.iso", "bootstrap.iso"]  # no temp files left


def test_command_line_writes_both_images(tmp_path, capsys):
    assert main([str(tmp_path / "out"), "--version", "v1.5.6"]) == 0
    printed = capsys.readouterr().out
    assert "appliance.iso: vic-plugin simulator appliance image, not VMware's v1.5.6-0-sim" in printed
    assert read_iso(tmp_path / "out" / "bootstrap.iso").version == "v1.5.6"
