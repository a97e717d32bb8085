"""Bulk reads through the property collector: one container view, paged RetrievePropertiesEx.

The number of round trips depends on the number of pages, never on one call per object.

vCenter pages an answer (at most ``maxObjects`` objects, or fewer by its own policy) and hands a token for the
rest. A token is good once, in its session, on the collector that returned it, and only while it is that
collector's latest: another read on the same collector in the same session (a concurrent request of the same
user, in the plug-in server) ends it. :func:`paged` follows the tokens, cancels a retrieval it leaves half read,
and when a token was ended under it, reads again on a private collector of its own.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence, TypeVar

from pyVmomi import vim, vmodl

from vic_machine.vsphere.faults import vsphere_call

PAGE_SIZE = 5000

T = TypeVar("T")
# One page: its objects and the token for the rest ("" or None when there is none).
Page = tuple[Sequence[T], "str | None"]


class _TokenLost(Exception):
    """vCenter refused a token it handed out: another read on the same collector ended the retrieval."""


def paged(content: vim.ServiceInstanceContent,
          first: Callable[[Any], Page],
          more: Callable[[Any, str], Page],
          cancel: Callable[[Any, str], None]) -> list:
    """Every object of a paged retrieval.

    :param first: ``first(collector)`` starts the retrieval on ``collector`` and returns its first page.
    :param more: ``more(collector, token)``: ContinueRetrievePropertiesEx.
    :param cancel: ``cancel(collector, token)``: CancelRetrievePropertiesEx.
    """

    def read_all(collector) -> list:
        objects, token = first(collector)
        out = list(objects)
        try:
            while token:
                try:
                    objects, token = more(collector, token)
                except vmodl.fault.InvalidArgument as exc:
                    token = None  # refused: nothing left to cancel
                    raise _TokenLost() from exc
                out.extend(objects)
        except BaseException:
            if token:
                try:
                    cancel(collector, token)
                except Exception:  # noqa: BLE001 - the first error is the one to report
                    pass
            raise
        return out

    try:
        return read_all(content.propertyCollector)
    except _TokenLost:
        pass
    private = content.propertyCollector.CreatePropertyCollector()
    try:
        return read_all(private)
    except _TokenLost as exc:
        raise exc.__cause__ from None
    finally:
        try:
            private.DestroyPropertyCollector()
        except Exception:  # noqa: BLE001 - it ends with the session anyway
            pass


def retrieve_spec(content: vim.ServiceInstanceContent,
                  spec: vmodl.query.PropertyCollector.FilterSpec) -> list[vmodl.query.PropertyCollector.ObjectContent]:
    """Every ObjectContent ``spec`` selects, page after page."""
    options = vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=PAGE_SIZE)

    def unpack(result) -> Page:
        return (result.objects or [], result.token) if result is not None else ([], None)

    return paged(content,
                 lambda pc: unpack(pc.RetrievePropertiesEx(specSet=[spec], options=options)),
                 lambda pc, token: unpack(pc.ContinueRetrievePropertiesEx(token=token)),
                 lambda pc, token: pc.CancelRetrievePropertiesEx(token=token))


def view_spec(view: vim.view.ContainerView, props: dict[type, list[str]]) -> vmodl.query.PropertyCollector.FilterSpec:
    """The filter reading ``props`` of every object of a container view."""
    traverse = vmodl.query.PropertyCollector.TraversalSpec(
        name="view", path="view", skip=False, type=vim.view.ContainerView)
    obj_spec = vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traverse])
    prop_specs = [vmodl.query.PropertyCollector.PropertySpec(type=t, pathSet=list(paths), all=False)
                  for t, paths in props.items()]
    return vmodl.query.PropertyCollector.FilterSpec(objectSet=[obj_spec], propSet=prop_specs)


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
            return {obj.obj: {p.name: p.val for p in obj.propSet or []}
                    for obj in retrieve_spec(content, view_spec(view, props))}
        finally:
            view.DestroyView()


def retrieve_objects(
    content: vim.ServiceInstanceContent,
    objects: list[vim.ManagedObject],
    paths: list[str],
) -> dict[vim.ManagedObject, dict[str, object]]:
    """Read ``paths`` of a known list of objects in one call (one per page)."""
    if not objects:
        return {}
    with vsphere_call("read the inventory"):
        obj_specs = [vmodl.query.PropertyCollector.ObjectSpec(obj=o, skip=False) for o in objects]
        prop_specs = [vmodl.query.PropertyCollector.PropertySpec(type=t, pathSet=paths, all=False)
                      for t in {type(o) for o in objects}]
        spec = vmodl.query.PropertyCollector.FilterSpec(objectSet=obj_specs, propSet=prop_specs)
        return {o.obj: {p.name: p.val for p in o.propSet or []} for o in retrieve_spec(content, spec)}
