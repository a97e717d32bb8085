"""A stand-in for the VCH appliance's guest side — a SIMULATION for tests and ``make run``.

VIC's real endpoint VM boots VMware's appliance ISO, brings up its interfaces, writes what it got into its own
extraConfig and runs the Docker personality. Against govmomi's simulator no guest ever runs, so this package
plays that part from outside: it follows the simulator's VMs and, for each powered-on VCH, after a short delay

- picks a loopback address ``127.<slot>.<hi>.<lo>`` derived from the VM's moref (``vm-71`` → 127.1.0.71);
- writes the keys the appliance writes, in VIC 1.5's encodings (via our codec): each role's
  ``guestinfo.vice..init.networks|<role>.assigned.IP`` and each component's
  ``guestinfo.vice..init.sessions|<name>.started`` = ``true``;
- serves a minimal Docker Engine API (``/_ping``, ``/version``, ``/info``) on ``<address>:2376`` with the VCH's
  own server certificate (client certificates required under tlsverify), or on 2375 without TLS.

It stops serving when the VM powers off or is destroyed, and at power off removes the assigned addresses
and resets ``started`` (the real appliance leaves stale values; the stand-in does not, so ``ls`` never shows
a dead endpoint). Nothing here is VMware's code or behaves like a Docker engine beyond those three calls;
every answer says it is simulated.

    with ApplianceStandIn.for_simulator(sim) as appliance:
        ...  # create and power on VCHs; appliance.endpoints() lists what is served

``python -m sim.appliance --state FILE`` runs it in the foreground.
"""

from sim.appliance.docker_api import info_reports_running
from sim.appliance.guest_keys import loopback_address
from sim.appliance.watcher import ApplianceStandIn
from sim.appliance.watcher import Endpoint

__all__ = ["ApplianceStandIn", "Endpoint", "info_reports_running", "loopback_address"]
