"""The simulator pages property-collector answers as vCenter does (sim/vcsim/paging.go).

vcsim 0.24.2 alone answers every RetrievePropertiesEx in one page and has no ContinueRetrievePropertiesEx or
CancelRetrievePropertiesEx: each test here fails on it.
"""

from __future__ import annotations

import pytest
from pyVim.connect import Disconnect, SmartConnect
from pyVmomi import vim, vmodl

PC = vmodl.query.PropertyCollector


def _vm_spec(content) -> PC.FilterSpec:
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    return PC.FilterSpec(
        objectSet=[PC.ObjectSpec(obj=view, skip=True, selectSet=[
            PC.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)])],
        propSet=[PC.PropertySpec(type=vim.VirtualMachine, pathSet=["name"], all=False)])


def _connect(sim):
    return SmartConnect(host=sim.host, port=sim.port, user=sim.username, pwd=sim.password,
                        disableSslCertValidation=True)


@pytest.fixture
def content(sim):
    si = _connect(sim)
    yield si.RetrieveContent()
    Disconnect(si)


def _names(objects) -> list[str]:
    return [o.propSet[0].val for o in objects]


def test_max_objects_pages_with_a_new_token_per_page(content):
    spec = _vm_spec(content)
    collector = content.propertyCollector
    everything = _names(collector.RetrieveProperties([spec]))  # the deprecated call is never paged
    assert len(everything) == 8

    result = collector.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=3))
    pages, tokens = [_names(result.objects)], [result.token]
    while result.token:
        result = collector.ContinueRetrievePropertiesEx(token=result.token)
        pages.append(_names(result.objects))
        tokens.append(result.token)
    assert [len(p) for p in pages] == [3, 3, 2]
    assert sorted(n for p in pages for n in p) == sorted(everything)
    assert tokens[-1] is None and len(set(tokens[:-1])) == 2


def test_a_page_holding_everything_has_no_token(content):
    result = content.propertyCollector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=8))
    assert len(result.objects) == 8 and not result.token


@pytest.mark.parametrize("max_objects", [0, -1])
def test_max_objects_of_zero_or_less_is_illegal(content, max_objects):
    with pytest.raises(vmodl.fault.InvalidArgument) as caught:
        content.propertyCollector.RetrievePropertiesEx([_vm_spec(content)],
                                                       PC.RetrieveOptions(maxObjects=max_objects))
    assert caught.value.invalidProperty == "maxObjects"


def test_a_token_is_good_once(content):
    collector = content.propertyCollector
    first = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=3))
    collector.ContinueRetrievePropertiesEx(token=first.token)
    with pytest.raises(vmodl.fault.InvalidArgument) as caught:
        collector.ContinueRetrievePropertiesEx(token=first.token)
    assert caught.value.invalidProperty == "token"


def test_cancel_discards_the_rest(content):
    collector = content.propertyCollector
    first = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=3))
    collector.CancelRetrievePropertiesEx(token=first.token)
    with pytest.raises(vmodl.fault.InvalidArgument):
        collector.ContinueRetrievePropertiesEx(token=first.token)
    with pytest.raises(vmodl.fault.InvalidArgument):
        collector.CancelRetrievePropertiesEx(token=first.token)
    with pytest.raises(vmodl.fault.InvalidArgument):
        collector.CancelRetrievePropertiesEx(token="no-such-token")


def test_a_new_retrieval_ends_the_one_under_way(content):
    collector = content.propertyCollector
    first = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=3))
    second = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=3))
    with pytest.raises(vmodl.fault.InvalidArgument):
        collector.ContinueRetrievePropertiesEx(token=first.token)
    assert len(collector.ContinueRetrievePropertiesEx(token=second.token).objects) == 3


def test_a_token_belongs_to_its_session_and_collector(sim, content):
    first = content.propertyCollector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=3))
    private = content.propertyCollector.CreatePropertyCollector()
    try:
        with pytest.raises(vmodl.fault.InvalidArgument):
            private.ContinueRetrievePropertiesEx(token=first.token)
    finally:
        private.DestroyPropertyCollector()
    other = _connect(sim)
    try:
        with pytest.raises(vmodl.fault.InvalidArgument):
            other.RetrieveContent().propertyCollector.ContinueRetrievePropertiesEx(token=first.token)
    finally:
        Disconnect(other)
    # Neither attempt used the token up: its own session and collector still continue.
    assert len(content.propertyCollector.ContinueRetrievePropertiesEx(token=first.token).objects) == 3


def test_a_created_collector_pages_too(content):
    private = content.propertyCollector.CreatePropertyCollector()
    try:
        result = private.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=5))
        assert len(result.objects) == 5 and result.token
        assert len(private.ContinueRetrievePropertiesEx(token=result.token).objects) == 3
    finally:
        private.DestroyPropertyCollector()


def test_the_server_page_size_limits_every_page(start_sim):
    small = start_sim(page_size=2)
    si = _connect(small)
    try:
        content = si.RetrieveContent()
        collector = content.propertyCollector
        unset = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions())
        assert len(unset.objects) == 2 and unset.token
        asked_more = collector.RetrievePropertiesEx([_vm_spec(content)], PC.RetrieveOptions(maxObjects=5))
        assert len(asked_more.objects) == 2
        assert len(collector.ContinueRetrievePropertiesEx(token=asked_more.token).objects) == 2
        assert len(collector.RetrieveProperties([_vm_spec(content)])) == 8
    finally:
        Disconnect(si)
