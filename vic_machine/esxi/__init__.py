"""An ESXi host that no vCenter manages, as VIC 1.5.8 deploys to it (its ``lib/install``, where ``IsVC()`` is
false): the VCH's resource pool under the host's root pool, no VM folder (the endpoint VM goes in the host's own
VM folder), no DRS, no VM group, no extension tasks and no operations-user roles (those are vCenter's), and a
bridge network that need not exist: a standard switch and a port group of the bridge's name (by default the VCH's
name) are made for it, recorded in the configuration (``create_bridge_network``) and removed by delete.

- :mod:`vic_machine.esxi.defaults`: what a spec leaves out, filled in as 1.5.8 does on a host.
- :mod:`vic_machine.esxi.bridge`: the bridge's standard switch and port group, made and removed.
"""
