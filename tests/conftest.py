"""Shared fixtures: the embedded vCenter simulator, its fault injection, a pyvmomi session.

- ``sim``: one simulator (default model) for the whole session.
- ``start_sim(**model)``: a simulator of your own model, stopped at the end of the module.
- ``faults``: the fault client of ``sim``, reset after each test.
- ``si``: a pyvmomi ServiceInstance logged in to ``sim``, logged out after the test.
- ``fresh_name(prefix)``: a unique inventory name, so tests sharing ``sim`` do not collide.
- ``appliance``: the VCH appliance stand-in following ``sim`` (powered-on VCHs get an address and a Docker API).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import pytest
from pyVim.connect import Disconnect

import vic_machine.vsphere  # noqa: F401 - first: protects pyVmomi.vim from test tools importing its stub folder
from pyVmomi import vim

from sim.appliance import ApplianceStandIn
from sim.faults import FaultClient
from sim.runner import Simulator
from tests.vch_support import VchWorld, make_world


@pytest.fixture(scope="session")
def sim() -> Iterator[Simulator]:
    """The session's simulator: DC0 with cluster DC0_C0 (3 hosts), standalone DC0_H0, 2 VMs per host."""
    simulator = Simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def appliance(sim: Simulator) -> Iterator[ApplianceStandIn]:
    """The appliance stand-in on ``sim``: a powered-on VCH gets its guest keys and Docker API after 0.5 s."""
    stand_in = ApplianceStandIn.for_simulator(sim).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture(scope="module")
def start_sim() -> Iterator[Callable[..., Simulator]]:
    """Factory: ``start_sim(cluster=2, host=8, ...)`` starts a simulator stopped after the module."""
    started: list[Simulator] = []

    def start(**model: int) -> Simulator:
        simulator = Simulator.start(**model)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture(scope="module")
def vch_world(start_sim, tmp_path_factory) -> Iterator[Callable[..., VchWorld]]:
    """Factory: ``vch_world(appliance=True, users=..., **model)`` a simulator of its own ready for VCHs, per module."""
    worlds: list[VchWorld] = []

    def make(*, appliance: bool = True, **model) -> VchWorld:
        world = make_world(start_sim(**model), tmp_path_factory.mktemp("isos"), appliance=appliance)
        worlds.append(world)
        return world

    yield make
    for world in worlds:
        world.close()


@pytest.fixture
def faults(sim: Simulator) -> Iterator[FaultClient]:
    """Fault injection on ``sim``; every rule is removed after the test."""
    sim.faults.reset()
    yield sim.faults
    sim.faults.reset()


@pytest.fixture
def si(sim: Simulator) -> Iterator[vim.ServiceInstance]:
    """A pyvmomi ServiceInstance logged in to ``sim``."""
    service_instance = sim.connect()
    yield service_instance
    Disconnect(service_instance)


_counter = itertools.count(1)
_run = uuid.uuid4().hex[:6]


@pytest.fixture
def fresh_name() -> Callable[[str], str]:
    """``fresh_name("vch")`` → ``"vch-3f9a1c-7"``: unique within and across test runs."""

    def make(prefix: str) -> str:
        return f"{prefix}-{_run}-{next(_counter)}"

    return make
