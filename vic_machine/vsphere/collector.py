"""Bulk reads through the property collector: one container view, paged RetrievePropertiesEx.

The number of round trips depends on the number of pages, never on one call per object.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from pyVmomi import vim, vmodl

from vic_machine.vsphere.faults import vsphere_call

PAGE_SIZE = 5000


def _spec_for_view(view: vim.view.ContainerView, props: dict[type, list[str]]) -> vmodl.query.PropertyCollector.FilterSpec:
    traverse = vmodl.query.PropertyCollector.TraversalSpec(
        name="view", path="view", skip=False, type=vim.view.ContainerView)
    obj_spec = vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traverse])
    prop_specs = [vmodl.query.PropertyCollector.PropertySpec(type=t, pathSet=list(paths), all=False)
                  for t, paths in props.items()]
    return vmodl.query.PropertyCollector.FilterSpec(objectSet=[obj_spec], propSet=prop_specs)


def _pages(collector, spec) -> Iterator[vmodl.query.PropertyCollector.ObjectContent]:
    options = vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=PAGE_SIZE)
    result = collector.RetrievePropertiesEx(specSet=[spec], options=options)
    while result is not None:
        yield from result.objects or []
        if not result.token:
            break
        result = collector.ContinueRetrievePropertiesEx(token=result.token)


def retrieve(
    content: vim.ServiceInstanceContent,
    root: vim.ManagedEntity,
    props: dict[type, Iterable[str]],
    recursive: bool = True,
) -> dict[vim.ManagedObject, dict[str, object]]:
    """Read ``props`` of every object of the given types under ``root``.

    :return: each object mapped to a dict of the properties vCenter returned (unset ones are absent).
    """
    props = {t: list(p) for t, p in props.items()}
    with vsphere_call("read the inventory"):
        view = content.viewManager.CreateContainerView(container=root, type=list(props), recursive=recursive)
        try:
            out: dict[vim.ManagedObject, dict[str, object]] = {}
            for obj in _pages(content.propertyCollector, _spec_for_view(view, props)):
                out[obj.obj] = {p.name: p.val for p in obj.propSet or []}
            return out
        finally:
            view.DestroyView()


def retrieve_objects(
    content: vim.ServiceInstanceContent,
    objects: list[vim.ManagedObject],
    paths: list[str],
) -> dict[vim.ManagedObject, dict[str, object]]:
    """Read ``paths`` of a known list of objects in one call."""
    if not objects:
        return {}
    with vsphere_call("read the inventory"):
        obj_specs = [vmodl.query.PropertyCollector.ObjectSpec(obj=o, skip=False) for o in objects]
        prop_specs = [vmodl.query.PropertyCollector.PropertySpec(type=t, pathSet=paths, all=False)
                      for t in {type(o) for o in objects}]
        spec = vmodl.query.PropertyCollector.FilterSpec(objectSet=obj_specs, propSet=prop_specs)
        return {o.obj: {p.name: p.val for p in o.propSet or []} for o in _pages(content.propertyCollector, spec)}
