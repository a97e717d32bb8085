"""VIC 1.5's extraConfig format: a VCH's configuration as the keys and values of its endpoint VM.

``decode`` reads what vSphere returns into a ``VchConfig``; ``encode`` writes a ``VchConfig`` back as VIC 1.5's
vic-machine would, so VIC's appliance boots from it and VIC's tools manage it.
"""

from vic_machine.extraconfig.codec import decode
from vic_machine.extraconfig.codec import encode
from vic_machine.extraconfig.codec import is_container
from vic_machine.extraconfig.codec import is_vch
from vic_machine.extraconfig.codec import read_extra_config
from vic_machine.extraconfig.codec import secret_key_of
from vic_machine.extraconfig.codec import vch_id
from vic_machine.extraconfig.secret import SecretError
from vic_machine.extraconfig.secret import SecretKey
from vic_machine.extraconfig.vch_config import VchConfig

__all__ = [
    "SecretError",
    "SecretKey",
    "VchConfig",
    "decode",
    "encode",
    "is_container",
    "is_vch",
    "read_extra_config",
    "secret_key_of",
    "vch_id",
]
