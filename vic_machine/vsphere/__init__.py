"""The only part of the core that talks to vCenter (through pyvmomi)."""

import sys

import pyVmomi

# pyvmomi ships type stubs in a pyVmomi/vim/ folder. Anything that runs ``import pyVmomi.vim`` (some test tools
# do, resolving type names) would then replace pyvmomi's lazy ``vim`` module with that empty namespace package.
# Registering the real module first makes such imports harmless.
sys.modules.setdefault("pyVmomi.vim", pyVmomi.vim)
sys.modules.setdefault("pyVmomi.vmodl", pyVmomi.vmodl)
