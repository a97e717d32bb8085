"""vic-ui 1.5.8's calls replayed as it makes them (``../shared/reference/vic-ui-1.5.8-requests/``): cross-origin,
a fresh clone ticket each, ``?thumbprint=`` with colons. The three reference bodies (ids substituted, certificates
made here) create the VCHs they describe, read back from the simulator; every answer is checked against the
models of our OpenAPI document, which are 1.5.8's."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyVmomi import vim

from tests.api_support import make_app, target_path
from tests.openapi_support import document, violations
from tests.vch_support import inventory_state
from vic_machine.vsphere.collector import retrieve

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "vic-ui-1.5.8-requests"
if not REFERENCE.is_dir():
    REFERENCE = Path("/work/shared/reference/vic-ui-1.5.8-requests")
ORIGIN = "https://vcenter.example.com"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _self_signed(cn: str, key, *, ca: bool, san: str | None = None) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def pki() -> dict:
    server_key = _key()
    return {
        "client_ca": _self_signed("Test Client CA", _key(), ca=True),
        "server_cert": _self_signed("vch-upl.example.com", server_key, ca=True, san="vch-upl.example.com"),
        "server_key": server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()).decode(),
    }


@pytest.fixture(scope="module")
def world(vch_world):
    return vch_world(ds=2)


@pytest.fixture(scope="module")
def ids(world) -> dict:
    content = world.session.content
    found = retrieve(content, content.rootFolder, {vim.ManagedEntity: ["name"]})
    return {props["name"]: obj._moId for obj, props in found.items()}


@pytest.fixture(scope="module")
def app(world):
    return make_app(world.sim, CREATE_TIMEOUT=30, ISO_DIR=str(Path(world.isos.appliance.path).parent))


@pytest.fixture(scope="module")
def doc(app) -> dict:
    return document(app)


def reference_body(name: str, ids: dict, pki: dict) -> dict:
    """A reference body for this simulator: its cluster's id, and certificates made for this run."""
    body = json.loads((REFERENCE / f"{name}.json").read_text().replace("clustercomputeresource-31", ids["DC0_C0"]))
    auth = body["auth"]
    for ca in auth.get("client", {}).get("certificate_authorities", []):
        ca["pem"] = pki["client_ca"]
    if "certificate" in auth["server"]:
        auth["server"] = {"certificate": {"pem": pki["server_cert"]}, "private_key": {"pem": pki["server_key"]}}
    return body


class VicUi:
    """How vic-ui 1.5.8 calls the server: a fresh clone ticket per request, ``?thumbprint=`` with colons."""

    def __init__(self, world, app, ids) -> None:
        self.world, self.client = world, app.test_client()
        sim = world.sim
        self.dc = f"{target_path(sim)}/datacenter/{ids['DC0']}"
        self.no_dc = target_path(sim)
        self.thumbprint = f"thumbprint={sim.thumbprint_sha1}"

    def headers(self) -> dict:
        ticket = self.world.session.content.sessionManager.AcquireCloneTicket()
        return {"X-VMWARE-TICKET": ticket, "Origin": ORIGIN}

    def call(self, method: str, path: str, body=None, datacenter: bool = True):
        url = f"{self.dc if datacenter else self.no_dc}{path}?{self.thumbprint}"
        return self.client.open(url, method=method, json=body, headers=self.headers())


@pytest.fixture(scope="module")
def ui(world, app, ids) -> VicUi:
    return VicUi(world, app, ids)


def _conforms(doc, model, answer):
    assert violations(doc, model, answer) == [], json.dumps(answer)[:2000]


def _pool(world, name: str) -> vim.ResourceConfigSpec:
    content = world.session.content
    found = retrieve(content, content.rootFolder, {vim.ResourcePool: ["name", "config"]})
    return next(p["config"] for p in found.values() if p["name"] == name)


def _vm_hardware(world, vm_id: str) -> tuple[int, int]:
    from vic_machine.vsphere.collector import retrieve_objects

    vm = vim.VirtualMachine(vm_id, world.session.stub)
    props = retrieve_objects(world.session.content, [vm], ["config.hardware.numCPU", "config.hardware.memoryMB"])[vm]
    return props["config.hardware.numCPU"], props["config.hardware.memoryMB"]


def _subject(pem: str, oid) -> list[str]:
    return [a.value for a in x509.load_pem_x509_certificate(pem.encode()).subject.get_attributes_for_oid(oid)]


def _check_common(model: dict, body: dict, ids: dict) -> None:
    assert model["name"] == body["name"]
    assert model["compute"]["resource"] == {"id": ids["DC0_C0"]}
    assert model["network"]["bridge"]["port_group"] == {"id": ids["DC0_DVPG0"]}
    assert model["network"]["bridge"]["ip_range"] == "172.16.0.0/12"
    assert model["network"]["public"]["port_group"] == {"id": ids["VM Network"]}
    assert model["storage"]["image_stores"][0].startswith(body["storage"]["image_stores"][0])
    assert model["endpoint"]["operations_credentials"]["user"] == "user"
    assert "password" not in json.dumps(model["endpoint"])
    assert model["debug"] == body["debug"]
    assert model["runtime"]["power_state"] == "poweredOn" and model["runtime"]["docker_host"].endswith(":2376")


def _check_a(world, model: dict, body: dict, pki: dict) -> None:
    # "Unlimited" (value 0) is no limit at all, as 1.5.8 stores it.
    assert "limit" not in model["compute"]["cpu"] and "limit" not in model["compute"]["memory"]
    pool = _pool(world, body["name"])
    assert (pool.cpuAllocation.limit, pool.memoryAllocation.limit) == (-1, -1)
    assert model["storage"]["base_image_size"] == {"value": 8 * 1024**3 // 1000, "units": "KB"}
    assert model["auth"]["client"] == {"no_tls_verify": True}
    assert _subject(model["auth"]["server"]["certificate"]["pem"], NameOID.COMMON_NAME) == ["vch-min.example.com"]


def _check_b(world, model: dict, body: dict, pki: dict) -> None:
    compute = model["compute"]
    assert compute["cpu"] == {"limit": {"value": 2000, "units": "MHz"}, "reservation": {"value": 1, "units": "MHz"},
                              "shares": {"level": "normal"}}
    assert compute["memory"] == {"limit": {"value": 4096, "units": "MiB"}, "reservation": {"value": 1, "units": "MiB"},
                                 "shares": {"level": "high"}}
    pool = _pool(world, body["name"])
    assert (pool.cpuAllocation.limit, pool.cpuAllocation.reservation) == (2000, 1)
    assert (pool.memoryAllocation.limit, pool.memoryAllocation.shares.level) == (4096, "high")
    assert model["endpoint"]["cpu"] == {"sockets": 2} and model["endpoint"]["memory"] == {"value": 3072, "units": "MiB"}
    assert _vm_hardware(world, model["vic_plugin"]["id"]) == (2, 3072)
    assert model["storage"]["base_image_size"] == {"value": 2048 * 1024**2 // 1000, "units": "KB"}
    assert model["storage"]["image_stores"] == ["LocalDS_0/vic-images"]
    assert model["storage"]["volume_stores"] == [{"datastore": "ds://LocalDS_1/volumes", "label": "default"}]
    assert model["syslog_addr"] == "tcp://syslog.example.com:514"
    assert model["container"]["name_convention"] == "tls-{name}"
    assert model["auth"]["client"] == {"certificate_authorities": [{"pem": pki["client_ca"]}]}
    server = model["auth"]["server"]["certificate"]["pem"]
    assert _subject(server, NameOID.COMMON_NAME) == ["vch-tls.example.com"]
    assert _subject(server, NameOID.ORGANIZATION_NAME) == ["ACME"]


def _check_d4(world, model: dict, body: dict, pki: dict) -> None:
    assert model["auth"]["server"] == {"certificate": {"pem": pki["server_cert"]}}
    assert model["auth"]["client"] == {"certificate_authorities": [{"pem": pki["client_ca"]}]}
    assert model["compute"]["cpu"]["limit"] == {"value": 2000, "units": "MHz"}
    assert model["storage"]["base_image_size"] == {"value": 8 * 1024**3 // 1000, "units": "KB"}


CHECKS = {"A": _check_a, "B": _check_b, "D4": _check_d4}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reference_body_creates_the_vch_it_describes(world, app, ids, pki, ui, doc, name):
    body = reference_body(name, ids, pki)
    before = inventory_state(world.session)
    # The browser's preflight from the vSphere Client's origin, then the call.
    pre = ui.client.options(f"{ui.dc}/vch?{ui.thumbprint}", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-vmware-ticket"})
    assert pre.status_code == 200 and pre.headers["Access-Control-Allow-Origin"] == "*"
    created = ui.call("POST", "/vch", body)
    # Synchronous as 1.5.8: 201 once the VCH exists; vic-ui closes the wizard on it.
    assert created.status_code == 201, created.json
    assert created.headers["Access-Control-Allow-Origin"] == "*"
    _conforms(doc, "VCH_Created", created.json)
    vch_id = created.json["vic_plugin"]["id"]
    assert created.headers["Location"].endswith(f"/vch/{vch_id}")

    got = ui.call("GET", f"/vch/{vch_id}")
    assert got.status_code == 200
    _conforms(doc, "VCH", got.json)
    _check_common(got.json, body, ids)
    CHECKS[name](world, got.json, body, pki)

    listed = ui.call("GET", "/vch")
    _conforms(doc, "VCH_List", listed.json)
    item = next(v for v in listed.json["vchs"] if v["id"] == vch_id)
    assert item["parent"]["name"] == body["name"] and item["parent"]["id"].startswith("resgroup-")

    # vic-ui downloads the certificate without the datacenter in the path, and reads it as text.
    cert = ui.call("GET", f"/vch/{vch_id}/certificate", datacenter=False)
    assert cert.status_code == 200 and cert.mimetype == "application/x-pem-file"
    assert cert.get_data(as_text=True) == got.json["auth"]["server"]["certificate"]["pem"]
    log = ui.call("GET", f"/vch/{vch_id}/log")
    assert log.status_code == 200 and log.mimetype == "text/plain" and body["name"] in log.get_data(as_text=True)

    gone = ui.call("DELETE", f"/vch/{vch_id}", {"volume_stores": "all"})
    # 202 once the VCH is gone, as 1.5.8.
    assert gone.status_code == 202, gone.json
    _conforms(doc, "VCH_Deleted", gone.json)
    assert ui.call("GET", f"/vch/{vch_id}").status_code == 404
    assert inventory_state(world.session) == before


def test_hello_as_vic_ui_checks_the_server(ui):
    r = ui.client.get("/container/hello", headers={"Origin": ORIGIN})
    assert r.status_code == 200 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True) == "You have successfully accessed the VCH Management API."
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_bad_input_is_400_with_the_message_vic_ui_shows(ui, ids, pki, doc):
    body = reference_body("A", ids, pki)
    body["network"]["bridge"]["port_group"] = {"name": "no-such-pg"}
    r = ui.call("POST", "/vch", body)
    assert r.status_code == 400 and "network.bridge.port_group" in r.json["errors"]
    _conforms(doc, "Error", r.json)
    assert "no-such-pg" in r.json["message"]  # vic-ui shows error.message
