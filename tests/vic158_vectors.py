"""VIC Engine 1.5.8's reference vectors (``shared/reference/vic-1.5.8-vectors``): read them, and plant one on a
simulator as the VCH 1.5.8 made.

- ``load(name)``: one vector (``min``, ``ops``, ``stat``, ``ext``, ``opsg``) as a ``Vector``: its header (VM,
  devices, pool allocations), its extraConfig (last value of each key) and its ``inspect config`` options.
- ``plant(session, name)``: on a simulator started with ``pg=3`` (the model the vectors were written on: DC0,
  cluster DC0_C0, DC0_DVPG0..2, LocalDS_0), a resource pool under DC0_C0 and a VM folder named like the VCH, and
  in them a VM carrying the vector's extraConfig, with the vector's pool allocations and VM size. The ids that
  were 1.5.8's run's own are rewritten to the simulator's: ``init/common/id`` (the VM), the container pool
  (``container/ComputeResources``) and the port group references. Everything else is as 1.5.8 wrote it,
  ``vic_machine_create_options``, the connection's target and thumbprint, and the sealed secrets (with their
  ``guestinfo.ovfEnv`` key) included. No alternateGuestName is set unless asked for; no devices are added (the
  header lists 1.5.8's) and no volume store folders are made on the datastore.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyVmomi import vim

from tests.vch_support import vch_layout
from vic_machine.vsphere.collector import retrieve
from vic_machine.vsphere.tasks import run_task
from vic_machine.vsphere.vm_spec import option_values

# Beside the project's folder (``../shared``), as on the machines this project is built on; else where they are.
VECTORS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "vic-1.5.8-vectors"
if not VECTORS.is_dir():
    VECTORS = Path("/work/shared/reference/vic-1.5.8-vectors")
NAMES = ("min", "ops", "stat", "ext", "opsg")

# Each set's options besides the ones all creates had (target, thumbprint, --compute-resource DC0_C0,
# --timeout 1m, the ISOs, --public-network "VM Network"), from the vectors' README.
OPTION_SETS = {
    "min": "--name min --image-store LocalDS_0 --bridge-network DC0_DVPG0 --no-tlsverify",
    "ops": "--name ops --image-store LocalDS_0 --bridge-network DC0_DVPG0 --tls-cname ops.example.com "
           "--ops-user opsuser@vsphere.local --ops-password 'Secr3t!'",
    "stat": "--name stat --image-store LocalDS_0 --bridge-network DC0_DVPG0 --tls-cname stat.example.com "
            "--public-network-ip 10.1.1.5/24 --public-network-gateway 10.1.1.1 --client-network DC0_DVPG1 "
            "--client-network-ip 10.2.2.5/24 --client-network-gateway 10.20.0.0/16:10.2.2.1 "
            "--management-network DC0_DVPG2 --management-network-ip 10.3.3.5/24 "
            "--management-network-gateway 10.30.0.0/16:10.3.3.1 --dns-server 10.1.1.2 --dns-server 10.1.1.3 "
            "--container-network DC0_DVPG1:cnet --container-network-ip-range DC0_DVPG1:10.2.2.100-10.2.2.120 "
            "--container-network-gateway DC0_DVPG1:10.2.2.1/24 --container-network-dns DC0_DVPG1:10.2.2.2",
    "ext": "--name ext --image-store LocalDS_0/img --base-image-size 16GB --bridge-network DC0_DVPG0 "
           "--bridge-network-range 172.30.0.0/16 --bridge-network-width 24 --tls-cname ext.local --no-tlsverify "
           "--certificate-key-size 3072 --volume-store LocalDS_0/ev:default "
           "--volume-store 'nfs://nfs.local/export?uid=1000&gid=1000:nfsvol' --http-proxy http://p.local:3128 "
           "--https-proxy https://p.local:3129 --no-proxy 'localhost,.local' --insecure-registry r1.local "
           "--insecure-registry r2.local:5000 --cpu 2000 --cpu-reservation 100 --cpu-shares low --memory 4096 "
           "--memory-reservation 512 --memory-shares 2000 --storage-quota 100 --containers 50 "
           "--container-network DC0_DVPG1:cn1 --container-network DC0_DVPG2:cn2 "
           "--container-network-firewall DC0_DVPG2:open --dns-server 8.8.8.8 --asymmetric-routes "
           "--affinity-vm-group",
    "opsg": "--name opsg --image-store LocalDS_0 --bridge-network DC0_DVPG0 --no-tls --ops-user opsg@vsphere.local "
            "--ops-password 'Secr3t!' --ops-grant-perms",
}

# The port groups of the 1.5.8 run's simulator by the reference its VCHs stored (the same model as a simulator
# started with pg=3; its inspect config outputs name them so).
VECTOR_NETWORKS = {
    "Network:network-7": "VM Network",
    "DistributedVirtualPortgroup:dvportgroup-13": "DC0_DVPG0",
    "DistributedVirtualPortgroup:dvportgroup-15": "DC0_DVPG1",
    "DistributedVirtualPortgroup:dvportgroup-17": "DC0_DVPG2",
}
# The header's pool line says "shares=custom" without the number; the option sets of the README give it.
CUSTOM_SHARES = {("ext", "mem"): 2000}
# Shares vSphere gives a resource pool per level (CPU, memory).
_LEVEL_SHARES = {"cpu": {"low": 2000, "normal": 4000, "high": 8000},
                 "mem": {"low": 81920, "normal": 163840, "high": 327680}}
VCH_ID_KEY = "guestinfo.vice./init/common/id"
POOL_KEY = "guestinfo.vice./container/ComputeResources|0/Value"
_SIM_ONLY = {"govcsim"}  # the simulator's own marker: it adds it to every VM
_OPTIONS_MESSAGE = "The target VCH is configured with the following options: "


@dataclass(frozen=True)
class PoolAllocation:
    limit: int
    reservation: int
    level: str
    shares: int


@dataclass
class Vector:
    name: str
    vm: dict[str, str]  # the header's VM line: name, moref, folder, pool, numCPU, memoryMB
    devices: list[str]
    pool: dict[str, PoolAllocation]  # "cpu" and "mem"
    extraconfig: dict[str, str]
    inspect_options: list[str] = field(default_factory=list)

    @property
    def num_cpus(self) -> int:
        return int(self.vm["numCPU"])

    @property
    def memory_mb(self) -> int:
        return int(self.vm["memoryMB"])


def _pairs(text: str) -> dict[str, str]:
    return dict(token.split("=", 1) for token in text.split() if "=" in token)


def parse_extraconfig(text: str, name: str = "") -> tuple[dict, list[str], dict[str, PoolAllocation], dict]:
    """An ``extraconfig.txt``: (VM line, devices, pool allocations, extraConfig key → value)."""
    vm: dict[str, str] = {}
    devices: list[str] = []
    pool: dict[str, PoolAllocation] = {}
    extra: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("# VM:"):
            vm = _pairs(line[len("# VM:"):])
        elif line.startswith("# device:"):
            devices.append(line[len("# device:"):].strip())
        elif line.startswith("# pool:"):
            for kind, rest in re.findall(r"\b(cpu|mem) ((?:\w+=\S+\s*)+)", line[len("# pool:"):]):
                values = _pairs(rest)
                level = values["shares"]
                number = CUSTOM_SHARES.get((name, kind), 0) if level == "custom" else _LEVEL_SHARES[kind][level]
                pool[kind] = PoolAllocation(int(values["limit"]), int(values["res"]), level, number)
        elif line and not line.startswith("#"):
            key, _, value = line.partition(" = ")
            extra[key] = value
    return vm, devices, pool, extra


def parse_inspect_config(text: str) -> list[str]:
    """The options 1.5.8's ``inspect config`` logged (``\\n\\t``-separated inside its message), in order."""
    for line in text.splitlines():
        start = line.find(_OPTIONS_MESSAGE)
        if start < 0:
            continue
        body = line[start + len(_OPTIONS_MESSAGE):]
        body = body[: body.rindex('"')]
        return [part[2:] for part in body.split("\\n") if part.startswith("\\t")]
    raise ValueError("no option list in the inspect config output")


def load(name: str) -> Vector:
    vm, devices, pool, extra = parse_extraconfig((VECTORS / f"{name}.extraconfig.txt").read_text(), name)
    options = parse_inspect_config((VECTORS / f"{name}.inspect-config.txt").read_text())
    return Vector(name, vm, devices, pool, extra, options)


def extraconfig(name: str) -> dict[str, str]:
    """Vector ``name``'s extraConfig: key → value as 1.5.8 left it."""
    return load(name).extraconfig


def _allocation(a: PoolAllocation) -> vim.ResourceAllocationInfo:
    return vim.ResourceAllocationInfo(limit=a.limit, reservation=a.reservation, expandableReservation=True,
                                      shares=vim.SharesInfo(level=a.level, shares=a.shares))


def plant(session, name: str, *, as_name: str | None = None, overrides: dict[str, str] | None = None,
          alternate_guest_name: str | None = None) -> vim.VirtualMachine:
    """Make vector ``name``'s VCH on the simulator (see the module's text) and return its endpoint VM.

    :param as_name: call the VCH (pool, folder, VM and the paths in its folder) this instead of the vector's name.
    :param overrides: extraConfig values to set instead of the vector's.
    :param alternate_guest_name: set the VM's alternateGuestName to this (none by default, as a VCH whose guest
        OS setting was edited).
    """
    vector = load(name)
    vch = as_name or vector.vm["name"]
    objs = retrieve(session.content, session.content.rootFolder, {vim.Network: ["name"]})
    by_name = {p["name"]: f"{type(o)._wsdlName}:{o._moId}" for o, p in objs.items()}
    refs = {theirs: by_name[pg] for theirs, pg in VECTOR_NETWORKS.items()}
    _, _, folder, pool = vch_layout(session, vch, _allocation(vector.pool["cpu"]), _allocation(vector.pool["mem"]))
    extra = {k: refs.get(v, v) for k, v in vector.extraconfig.items() if k not in _SIM_ONLY}
    if as_name:
        extra = {k: as_name if v == name else v.replace(f"] {name}/", f"] {as_name}/") for k, v in extra.items()}
    extra.update(overrides or {})
    extra[POOL_KEY] = pool._moId
    spec = vim.vm.ConfigSpec(name=vch, guestId="otherGuest64", numCPUs=vector.num_cpus,
                             memoryMB=vector.memory_mb, files=vim.vm.FileInfo(vmPathName="[LocalDS_0]"),
                             extraConfig=option_values(extra))
    if alternate_guest_name is not None:
        spec.alternateGuestName = alternate_guest_name
    vm = run_task(lambda: folder.CreateVM_Task(config=spec, pool=pool), f"plant 1.5.8's VCH {vch}")
    run_task(lambda: vm.ReconfigVM_Task(spec=vim.vm.ConfigSpec(extraConfig=option_values(
        {VCH_ID_KEY: f"VirtualMachine:{vm._moId}"}))), f"give VCH {vch} its own id")
    return vm
