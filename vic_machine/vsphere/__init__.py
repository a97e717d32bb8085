"""The only part of the core that talks to vCenter (through pyvmomi)."""
