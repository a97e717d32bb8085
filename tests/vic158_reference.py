"""The reference vectors of VIC Engine's vic-machine 1.5.8 (``shared/reference/vic-1.5.8-vectors``) as data."""

from __future__ import annotations

from pathlib import Path

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "vic-1.5.8-vectors"

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


def reference_extraconfig(name: str) -> dict[str, str]:
    """``NAME.extraconfig.txt`` as key → value (the ``#`` header lines left out)."""
    out = {}
    for line in (VECTORS / f"{name}.extraconfig.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition(" = ")
            out[key] = value
    return out
