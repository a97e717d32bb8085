"""Inventory snapshot: our property-collector read against a naive pyvmomi walk, on a small and a large model.

Prints, per model, the round trips and median wall time of ``take_snapshot`` and of a straightforward
attribute-by-attribute traversal gathering the same information, measured side by side in one run on the same
simulator and counted by the same CountingStub; then the ratios and whether the targets are met:
our round trips are the same on both models, and our time is at least 20× below the baseline on the large one.

On the large model also the wizard's inventory as the plug-in server answers it (``GET …/inventory`` through
Flask's test client: session, snapshot, JSON) against the floor of the property-collector reads it needs (the
same properties read through pyvmomi, nothing built from them: the inventory, license assignments, the hosts'
firewalls). Target (issue 17): ≤ 1.5× that floor.

Run: ``.venv/bin/python bench/inventory.py`` (or ``make bench``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import base64
import statistics
import time

from common import Measurement, machine_load, measure, print_table, ratio, seconds, session_for, simulator, target
from pyVmomi import vim

from vic_machine.inventory import Inventory, take_snapshot
from vic_machine.inventory.vch_candidates import VCH_GUEST_PREFIX
from vic_machine.inventory.snapshot import _PROPS as SNAPSHOT_PROPS
from vic_machine.inventory.snapshot import _PLAIN_PROPS as SNAPSHOT_PLAIN_PROPS
from vic_machine.vsphere.collector import retrieve, retrieve_objects
from vic_machine.vsphere.session import Session

SMALL = {}  # the simulator's default: 1 cluster × 3 hosts, 1 standalone host, 2 VMs per host
LARGE = dict(cluster=10, host=20, vm=25, pg=50, ds=20)  # 200 clustered hosts × 25 VMs = 5,000 VMs (+ standalone)
TIME_TARGET = 20.0
ENDPOINT_TARGET = 1.5
OUR_RUNS = 5
BASELINE_RUNS = {"small": 5, "large": 1}


@dataclass
class Walked:
    """What the naive walk saw; compared with the snapshot so both sides gather the same information."""

    hosts: dict[str, dict] = field(default_factory=dict)
    vms: dict[str, str] = field(default_factory=dict)  # name → alternate guest name
    datastores: dict[str, object] = field(default_factory=dict)
    networks: dict[str, dict] = field(default_factory=dict)
    pools: dict[str, object] = field(default_factory=dict)
    compute: dict[str, dict] = field(default_factory=dict)
    folders: list[str] = field(default_factory=list)
    licenses: list = field(default_factory=list)


def _datacenters(folder: vim.Folder) -> list[vim.Datacenter]:
    found = []
    for child in folder.childEntity:
        if isinstance(child, vim.Datacenter):
            found.append(child)
        elif isinstance(child, vim.Folder):
            found.extend(_datacenters(child))
    return found


def _walk_pool(pool: vim.ResourcePool, out: Walked) -> None:
    out.pools[pool._moId] = (pool.name, pool.runtime)
    for child in pool.resourcePool:
        _walk_pool(child, out)


def _walk_host(host: vim.HostSystem, out: Walked) -> None:
    out.hosts[host.name] = dict(
        connection_state=host.runtime.connectionState,
        in_maintenance=host.runtime.inMaintenanceMode,
        power_state=host.runtime.powerState,
        rulesets={r.key: r.enabled for r in host.configManager.firewallSystem.firewallInfo.ruleset},
        version=host.summary.config.product.version,
        datastores=[d._moId for d in host.datastore],
        networks=[n._moId for n in host.network],
    )


def _walk_host_folder(folder: vim.Folder, out: Walked) -> None:
    for child in folder.childEntity:
        if isinstance(child, vim.Folder):
            _walk_host_folder(child, out)
        elif isinstance(child, vim.ComputeResource):
            entry = dict(summary=child.summary, hosts=[])
            if isinstance(child, vim.ClusterComputeResource):
                entry["drs"] = child.configurationEx.drsConfig.enabled
            out.compute[child.name] = entry
            for host in child.host:
                entry["hosts"].append(host.name)
                _walk_host(host, out)
            _walk_pool(child.resourcePool, out)


def _walk_vm_folder(folder: vim.Folder, out: Walked, top: bool) -> None:
    for child in folder.childEntity:
        if isinstance(child, vim.Folder):
            if top:
                out.folders.append(child.name)
            _walk_vm_folder(child, out, top=False)
        elif isinstance(child, vim.VirtualApp):
            for vm in child.vm:
                _walk_vm(vm, out)
        elif isinstance(child, vim.VirtualMachine):
            _walk_vm(child, out)


def _walk_vm(vm: vim.VirtualMachine, out: Walked) -> None:
    config = vm.config
    guest = config.alternateGuestName if config else ""
    out.vms[vm.name] = guest
    if guest.startswith(VCH_GUEST_PREFIX):
        # Only would-be VCH endpoints: their extraConfig and pool, as the snapshot reads them.
        _ = (vm.config.extraConfig, vm.resourcePool)


def _walk_networks(datacenter: vim.Datacenter, out: Walked) -> None:
    for net in datacenter.network:
        entry = dict(name=net.name, hosts=[h._moId for h in net.host])
        if isinstance(net, vim.dvs.DistributedVirtualPortgroup):
            if net.config.uplink:
                continue
            switch = net.config.distributedVirtualSwitch
            entry.update(switch=switch.name, members=[m._moId for m in switch.summary.hostMember or []])
        out.networks[net._moId] = entry


def naive_walk(session: Session, datacenter: str = "") -> Walked:
    """The baseline: the inventory read the way straightforward pyvmomi code reads it, attribute by attribute.

    Every attribute expression on a managed object is one property read (one round trip), as pyvmomi does it.
    """
    content = session.content
    dcs = _datacenters(content.rootFolder)
    dc = next(d for d in dcs if d.name == datacenter) if datacenter else dcs[0]
    out = Walked()
    out.licenses = list(content.licenseManager.licenseAssignmentManager.QueryAssignedLicenses() or [])
    _walk_host_folder(dc.hostFolder, out)
    for ds in dc.datastore:
        out.datastores[ds.name] = ds.summary
    _walk_networks(dc, out)
    _walk_vm_folder(dc.vmFolder, out, top=True)
    return out


def check_same(inv: Inventory, walked: Walked) -> list[str]:
    """Differences between the snapshot and the naive walk (empty when both saw the same inventory)."""
    problems = []
    ours_vms = {n for n, kind in inv.names_in_use.items() if kind == "virtual machine"}
    pairs = [
        ("hosts", {h.name for h in inv.hosts}, set(walked.hosts)),
        ("VMs", ours_vms, set(walked.vms)),
        ("datastores", {d.name for d in inv.datastores}, set(walked.datastores)),
        ("networks", {n.id for n in inv.networks}, set(walked.networks)),
        ("compute resources", {n.name for n in inv.compute}, set(walked.compute)),
    ]
    for what, ours, theirs in pairs:
        if ours != theirs:
            problems.append(f"{what}: snapshot {len(ours)}, naive walk {len(theirs)}")
    for host in inv.hosts:
        seen = walked.hosts.get(host.name, {})
        if seen and (str(seen["connection_state"]), seen["in_maintenance"]) != (host.connection_state,
                                                                                host.in_maintenance):
            problems.append(f"host {host.name}: state differs")
    return problems


def floor_reads(session: Session) -> int:
    """The property-collector reads the snapshot needs, through pyvmomi, nothing built from their answers."""
    content = session.content
    dcs = retrieve(content, content.rootFolder, {vim.Datacenter: ["name", "vmFolder", "hostFolder"]})
    objs = retrieve(content, next(iter(dcs)), {**SNAPSHOT_PROPS, **SNAPSHOT_PLAIN_PROPS})
    content.licenseManager.licenseAssignmentManager.QueryAssignedLicenses()
    systems = [p["configManager.firewallSystem"] for p in objs.values() if "configManager.firewallSystem" in p]
    retrieve_objects(content, systems, ["firewallInfo"])
    return len(objs)


def endpoint(sim, runs: int) -> tuple[float, int]:
    """Median time of ``GET /container/target/…/inventory`` in the plug-in server (Flask test client)."""
    from plugin_server.app import create_app

    app = create_app({"TESTING": True, "VCENTER_THUMBPRINTS": {f"{sim.host}:{sim.port}": sim.thumbprint_sha256}})
    auth = {"Authorization": "Basic " + base64.b64encode(f"{sim.username}:{sim.password}".encode()).decode()}
    path = f"/container/target/{sim.host}:{sim.port}/inventory"
    times, size = [], 0
    with app.test_client() as client:
        for index in range(runs + 1):
            began = time.perf_counter()
            answer = client.get(path, headers=auth)
            took = time.perf_counter() - began
            if answer.status_code != 200:
                raise RuntimeError(f"GET {path}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
            size = len(answer.get_data())
            if index:  # the first logs in
                times.append(took)
    return statistics.median(times), size


@dataclass(frozen=True)
class ModelResult:
    name: str
    start_seconds: float
    inventory: Inventory
    ours: Measurement
    baseline: Measurement
    floor: float = 0.0
    endpoint: float = 0.0
    endpoint_bytes: int = 0
    pages: int = 0  # further pages (ContinueRetrievePropertiesEx) of one snapshot


def run_model(name: str, model: dict) -> ModelResult:
    """Start the simulator of ``model`` and measure both sides on it."""
    print(f"[{name}] starting the simulator {model or '(default model)'} …", flush=True)
    with simulator(**model) as started:
        session = session_for(started.sim)
        try:
            ours = measure(session, lambda: take_snapshot(session), runs=OUR_RUNS, warmup=1)
            rule = started.sim.faults.delay("ContinueRetrievePropertiesEx", 0, count=0)  # delay-only: counts
            take_snapshot(session)
            pages = next((r["hits"] for r in started.sim.faults.list() if r["id"] == rule["id"]), 0)
            started.sim.faults.reset()
            print(f"[{name}] snapshot: {ours.trips} round trips, median {seconds(ours.median)}", flush=True)
            floor = endpoint_time = 0.0
            size = 0
            if name == "large":
                floor_times, endpoint_times = [], []
                for _ in range(OUR_RUNS):  # alternated: machine load hits both alike
                    floor_times.append(measure(session, lambda: floor_reads(session), runs=1).median)
                    took, size = endpoint(started.sim, 1)
                    endpoint_times.append(took)
                floor, endpoint_time = statistics.median(floor_times), statistics.median(endpoint_times)
                print(f"[{name}] GET inventory {seconds(endpoint_time)} ({size:,} bytes), floor reads "
                      f"{seconds(floor)}", flush=True)
            baseline = measure(session, lambda: naive_walk(session), runs=BASELINE_RUNS[name])
            print(f"[{name}] naive walk: {baseline.trips} round trips, median {seconds(baseline.median)}",
                  flush=True)
        finally:
            session.logout()
    problems = check_same(ours.result, baseline.result)
    if problems:
        raise RuntimeError(f"[{name}] the two reads disagree: " + "; ".join(problems))
    return ModelResult(name, started.start_seconds, ours.result, ours, baseline, floor, endpoint_time, size, pages)


def _describe(inv: Inventory) -> str:
    vms = sum(1 for kind in inv.names_in_use.values() if kind == "virtual machine")
    clusters = sum(1 for n in inv.compute if n.kind == "cluster")
    counts = [(len(inv.datacenters), "datacenter"), (clusters, "cluster"), (len(inv.hosts), "host"),
              (vms, "VM"), (len(inv.networks), "network"), (len(inv.datastores), "datastore")]
    return ", ".join(f"{n:,} {word}{'' if n == 1 else 's'}" for n, word in counts)


def report(results: list[ModelResult]) -> None:
    print()
    print_table(
        ["model", "inventory", "simulator start"],
        [[r.name, _describe(r.inventory), seconds(r.start_seconds)] for r in results],
        title="Models (hosts include the standalone one; networks exclude DVS uplink port groups)",
        align="llr")
    print_table(
        ["model", "ours: trips", "ours: time", "naive: trips", "naive: time", "trips ratio", "time ratio"],
        [[r.name, r.ours.trips, seconds(r.ours.median), f"{r.baseline.trips:,}", seconds(r.baseline.median),
          ratio(r.baseline.trips, r.ours.trips), ratio(r.baseline.median, r.ours.median)] for r in results],
        title=(f"take_snapshot (median of {OUR_RUNS} runs after 1 warm-up) vs naive pyvmomi walk "
               f"(median of {'/'.join(str(n) for n in BASELINE_RUNS.values())} runs, full walk, no sampling); "
               "ratio = naive / ours"))
    small, large = results
    target("snapshot round trips, small and large model (further pages aside)",
           f"{small.ours.trips - small.pages} / {large.ours.trips - large.pages}", "equal",
           small.ours.trips - small.pages == large.ours.trips - large.pages)
    time_ratio = large.baseline.median / large.ours.median
    target("snapshot time below the naive walk, large model", f"{time_ratio:.1f}×", f"≥ {TIME_TARGET:.0f}×",
           time_ratio >= TIME_TARGET)
    target("GET …/inventory / floor of its reads, large model",
           f"{large.endpoint / large.floor:.2f}× ({seconds(large.endpoint)} vs {seconds(large.floor)})",
           f"≤ {ENDPOINT_TARGET}×", large.endpoint <= ENDPOINT_TARGET * large.floor)
    print("Note: the simulator pages as vCenter does (maxObjects, tokens); 5,025 VMs are two pages of the core's "
          "5,000, so the large model's count includes one ContinueRetrievePropertiesEx per such read.")


def main() -> int:
    print(f"Machine: {machine_load()}", flush=True)
    try:
        results = [run_model("small", SMALL), run_model("large", LARGE)]
    except Exception as exc:  # noqa: BLE001 - a benchmark that could not measure says why and fails
        print(f"benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    report(results)
    print(f"Machine after: {machine_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
