"""The VCH model read as vic-machine-server 1.5.8 reads it: a limit of 0 is unlimited, a container network's
gateway as vic-ui sends it, and fields it does not know ignored (and named) when asked to be lenient."""

import pytest

from vic_machine import spec as vch_spec
from vic_machine.errors import InputError


def test_a_limit_of_zero_is_unlimited_and_a_reservation_of_zero_stays():
    spec = vch_spec.load({"compute": {"cpu": {"limit": {"value": 0, "units": "MHz"},
                                              "reservation": {"value": 0, "units": "MHz"}},
                                      "memory": {"limit": {"value": 0, "units": "MiB"}}}})
    assert (spec.compute.cpu.limit, spec.compute.memory.limit, spec.compute.cpu.reservation) == (None, None, 0)
    assert not [e for e in vch_spec.check(spec, required=False) if e.path.endswith(".limit")]


def test_container_gateway_as_vic_ui_sends_it_is_the_address_and_its_subnet():
    spec = vch_spec.load({"network": {"container": [{"port_group": {"name": "pg"}, "gateway": {
        "address": "10.30.0.1", "routing_destinations": ["10.30.0.1/24"]}}]}})
    gateway = spec.network.container[0].gateway
    assert (gateway.address, gateway.routing_destinations) == ("10.30.0.1/24", [])
    # Our own form is read as it was.
    spec = vch_spec.load({"network": {"container": [{"port_group": {"name": "pg"},
                                                     "gateway": {"address": "10.1.0.1/16"}}]}})
    assert spec.network.container[0].gateway.address == "10.1.0.1/16"


def test_container_gateway_with_several_subnets_is_refused_as_1_5_8_does():
    spec = vch_spec.load({"network": {"container": [{"port_group": {"name": "pg"}, "gateway": {
        "address": "10.30.0.1", "routing_destinations": ["10.30.0.0/24", "10.31.0.0/24"]}}]}})
    errors = {e.path: e.message for e in vch_spec.check(spec, required=False)}
    assert "exactly one" in errors["network.container[0].gateway.routing_destinations"]


def test_lenient_load_ignores_unknown_fields_and_names_them():
    spec, ignored = vch_spec.load_lenient({"name": "x", "colour": "red", "compute": {"turbo": 1},
                                           "network": {"container": [{"port_group": {"name": "pg"}, "vlan": 5}]}})
    assert spec.name == "x" and ignored == ["colour", "compute.turbo", "network.container[0].vlan"]
    with pytest.raises(InputError) as caught:
        vch_spec.load({"name": "x", "colour": "red"})  # the strict reading is unchanged
    assert caught.value.errors[0].path == "colour"
    with pytest.raises(InputError):
        vch_spec.load_lenient({"debug": "loud"})  # known fields keep their checks
