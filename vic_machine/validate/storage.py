"""Storage: the image datastore and volume stores exist, are accessible, and hosts reach them together."""

from __future__ import annotations

from vic_machine.validate.context import Context, datastore_name
from vic_machine.validate.findings import Finding, error, warning

STEP = "storage"


def _available(ctx: Context) -> str:
    return ", ".join(f"{d.name} ({d.free_space // 1024**3} GiB free)" for d in ctx.inventory.datastores) or "none"


def _lookup(ctx: Context, location: str, path: str, what: str, findings: list[Finding]):
    name = datastore_name(location)
    ds = ctx.inventory.datastore(name)
    if ds is None:
        findings.append(error("storage.datastore_not_found", path, STEP,
                              f"{what} datastore {name!r} not found in datacenter {ctx.inventory.datacenter}",
                              f"Choose one of: {_available(ctx)}"))
    elif not ds.accessible:
        findings.append(error("storage.datastore_inaccessible", path, STEP, f"Datastore {name} is not accessible",
                              "Check its connection in the vSphere Client or choose another datastore"))
        ds = None
    return ds


def check_storage(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    stores = ctx.spec.storage.image_stores
    if not stores:
        return [error("storage.image_store_required", "storage.image_stores", STEP,
                      "An image datastore is required", f"Choose one of: {_available(ctx)}")]
    datastores = []
    image = _lookup(ctx, stores[0], "storage.image_stores", "Image", findings)
    if image is not None:
        datastores.append(image)
    for i, vs in enumerate(ctx.spec.storage.volume_stores):
        if vs.datastore.startswith("nfs://"):
            continue
        ds = _lookup(ctx, vs.datastore, f"storage.volume_stores[{i}].datastore", "Volume store", findings)
        if ds is not None:
            datastores.append(ds)
    hosts = ctx.usable_hosts
    if not datastores or not hosts:
        return findings
    reach_all = [h for h in hosts if all(h.id in d.hosts for d in datastores)]
    names = ", ".join(d.name for d in datastores)
    if not reach_all:
        findings.append(error("storage.unreachable", "storage.image_stores", STEP,
                              f"No host of {ctx.compute.name} reaches all of: {names}",
                              "Choose datastores mounted on the compute resource's hosts"))
    elif len(reach_all) == 1 and len(hosts) > 1:
        findings.append(warning("storage.single_host", "storage.image_stores", STEP,
                                f"Only host {reach_all[0].name} reaches all of: {names}",
                                "Containers can then run only on that host; prefer shared datastores"))
    return findings
