"""Create a VCH: validate, then run a plan of undoable steps; any failure or interruption undoes them all.

The client certificate's private key is never stored in vCenter (a user who can read a VM's configuration must
not get Docker access from it). ``CreateResult.certs`` hands the whole bundle back once; ``vic-machine create``
writes it into ``--tls-cert-path`` (default ``./<name>/``), as VIC 1.5 does, and ``cert.client_bundle`` zips it
from there later. The CA and server certificates stay readable from the VCH itself (see ``cert.py``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from vic_machine.certs import CertBundle, PemPair, generate
from vic_machine.certs.pem import is_self_signed, issued_by_any
from vic_machine.errors import Cancelled, OperationFailed, VicError
from vic_machine.esxi.defaults import with_host_defaults
from vic_machine.inventory import take_snapshot
from vic_machine.iso import CheckedIsos
from vic_machine.operations import create_steps as steps
from vic_machine.operations.create_steps import CreateJob
from vic_machine.operations.placement import resolve
from vic_machine.operations.plan import Plan, RunContext, Sink, Step
from vic_machine.operations.vch_config_builder import build_config
from vic_machine.spec import validate_input
from vic_machine.spec.model import VchSpec
from vic_machine.validate import Finding, has_errors, validate
from vic_machine.vsphere.session import Session

ADMIN_PORT = 2378


class ValidationFailed(VicError):
    """The spec does not fit the target: nothing was created. ``findings`` holds every finding."""

    code = "validation_failed"

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        errors = [f for f in findings if f.level == "error"]
        summary = "; ".join(f"{f.path}: {f.message}" for f in errors)
        super().__init__(f"Validation of the configuration failed: {summary}",
                         remedy="Fix the fields named and run again")


@dataclass
class CreateResult:
    """A created VCH. ``certs`` holds private keys: hand it to the user once, never log it."""

    id: str
    name: str
    vm: str
    client_ip: str
    docker_host: str
    admin_portal: str
    docker_env: dict[str, str]
    certs: CertBundle = field(repr=False)
    cert_files: list[str] = field(default_factory=list)
    log_path: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-safe, without any private key."""
        return {"id": self.id, "name": self.name, "vm": self.vm, "client_ip": self.client_ip,
                "docker_host": self.docker_host, "admin_portal": self.admin_portal, "docker_env": self.docker_env,
                "cert_files": self.cert_files, "log_path": self.log_path, "warnings": self.warnings}


def make_certificates(spec: VchSpec) -> CertBundle:
    """The certificates the spec asks for, combined as vic-machine 1.5.8 combines them:

    - generated server certificate, no client CAs: a generated CA signs the server and a client certificate;
    - generated server certificate with the user's client CAs: those CAs verify clients, the server certificate
      is self-signed (the CAs come without their keys), no client certificate is made;
    - uploaded server certificate and key: used as they are; with client CAs those verify clients, without them
      (and without ``no_tls_verify``) a generated CA signs a client certificate and verifies clients;
    - ``no_tls_verify``: a server certificate (self-signed or uploaded) and nothing for clients; ``no_tls``: none.
    """
    mode = spec.tls_mode()
    if mode == "no-tls":
        return generate(mode, None, vch_name=spec.name)
    server = spec.auth.server
    generate_opts = server.generate
    supplied = PemPair(server.certificate, server.private_key) if server.certificate else None
    # With an uploaded certificate the name is that certificate's (unless one was given for it).
    cname = spec.effective_cname() if supplied is None else (generate_opts.cname if generate_opts else None)
    cas = [pem.strip() for pem in spec.auth.client.certificate_authorities if pem.strip()]
    return generate(
        mode, cname,
        organization=generate_opts.organization if generate_opts else None,
        key_size=generate_opts.size if generate_opts else 2048,
        # Joined one a line: a PEM pasted without its final newline must not run into the next one.
        ca=PemPair("\n".join(cas) + "\n") if cas and mode == "tlsverify" else None,
        server=supplied,
        vch_name=spec.name)


def trust_notes(certs: CertBundle) -> list[str]:
    """What a Docker client under ``--tlsverify`` needs besides ca.pem, when ca.pem does not sign the server."""
    if certs.mode != "tlsverify" or not certs.server_cert or issued_by_any(certs.server_cert, certs.ca_cert):
        return []
    if is_self_signed(certs.server_cert):
        what = "the VCH's server certificate is self-signed: add server-cert.pem"
    else:
        what = "the VCH's server certificate comes from another CA: add the CA that issued it"
    return [f"Docker clients verify the VCH against ca.pem, which holds only the client CAs; {what} to the "
            "CAs those clients trust"]


STEP_NAMES = {
    "pool": "Create resource pool", "bridge": "Create bridge network", "folder": "Create VM folder", "vm": "Create endpoint VM",
    "upload": "Upload ISOs", "volumes": "Create volume stores", "certs": "Save certificates",
    "perms": "Grant operations-user permissions", "group": "Create DRS VM group", "id": "Record VCH id",
    "power": "Power on", "wait": "Wait for the Docker API", "log": "Write create log",
    "bundle": "Keep the client certificates", "finish": "Mark the VCH as created",
}


def plan_for(job: CreateJob) -> Plan:
    """The steps for this job: permissions and the VM group only when asked; on an ESXi host no VM folder, and
    the bridge network when it is to be made."""
    def bind(fn):
        return lambda ctx: fn(job, ctx)

    wanted = [("pool", steps.create_pool)]
    if job.resolved.bridge_to_create:
        wanted.append(("bridge", steps.create_bridge))
    if not job.resolved.esxi:
        wanted.append(("folder", steps.create_folder))
    wanted += [("vm", steps.create_vm),
              ("upload", steps.upload_isos), ("volumes", steps.create_volume_stores),
              ("certs", steps.save_certificates)]
    if job.spec.endpoint.operations_credentials.grant_permissions:
        wanted.append(("perms", steps.grant_permissions))
    if job.spec.compute.affinity.use_vm_group:
        wanted.append(("group", steps.create_vm_group))
    wanted += [("id", steps.commit_id), ("power", steps.power_on), ("wait", steps.wait_ready),
               ("log", steps.write_log)]
    if job.keep_bundle is not None and job.certs.mode != "no-tls":
        wanted.append(("bundle", steps.keep_bundle))
    # Last: until then the VCH is listed as being created, whatever stops the create (a killed server too).
    wanted.append(("finish", steps.finish))
    return Plan(f"Create VCH {job.name}", [Step(STEP_NAMES[key], bind(fn)) for key, fn in wanted])


def prepare(
    session: Session,
    spec: VchSpec,
    *,
    isos: CheckedIsos,
    timeout: float,
    cancel_event: threading.Event | None = None,
    cert_dir: str | None = None,
    inventory=None,
    findings: list[Finding] | None = None,
) -> CreateJob:
    """Everything a create decides before it touches vCenter: validation, placement, certificates and the VCH's
    configuration. What is wrong with the input surfaces here, so a server can refuse it before accepting it.

    :param inventory: the datacenter's snapshot, when the caller took it already.
    :param findings: the caller's validation findings for ``spec`` on that inventory (then not validated again).
    :raise InputError: the spec itself is wrong. :raise ValidationFailed: it does not fit the target.
    """
    validate_input(spec, required=False)  # before vCenter is read; what is required depends on the target
    inventory = inventory or take_snapshot(session)
    # On an ESXi host the compute resource and the bridge network may be left out, as in 1.5.8.
    spec = with_host_defaults(spec, inventory)
    validate_input(spec)
    if findings is None:
        findings = validate(spec, inventory, session=session, target_display=session.target.display)
    if has_errors(findings):
        raise ValidationFailed(findings)
    resolved = resolve(session, spec, inventory)
    certs = make_certificates(spec)
    config = build_config(spec, resolved.placement, certs, isos.appliance, isos.bootstrap.path)
    job = CreateJob(session=session, spec=spec, resolved=resolved, config=config, certs=certs, isos=isos,
                    timeout=timeout, cancel_event=cancel_event or threading.Event(), cert_dir=cert_dir)
    job.notes += list(isos.warnings) + [f.message for f in findings if f.level == "warning"] + trust_notes(certs)
    return job


def run(job: CreateJob, sink: Sink | None = None, cancel_event: threading.Event | None = None,
        keep_bundle=None) -> CreateResult:
    """Create the VCH a :func:`prepare` made ready; any failure or cancellation undoes every step done.

    :param cancel_event: replaces the job's own (set it to cancel).
    :param keep_bundle: ``keep_bundle(job)`` keeps the client certificates before the VCH is marked created (the
        plug-in server's downloadable bundle); its failure is a warning.
    :raise OperationFailed: a step failed or the run was cancelled; everything done was undone (or is listed
        in ``left``).
    """
    if cancel_event is not None:
        job.cancel_event = cancel_event
    if keep_bundle is not None:
        job.keep_bundle = keep_bundle
    ctx = _execute(plan_for(job), RunContext(cancel_event=job.cancel_event), sink)
    job.notes += [w for w in ctx.warnings if w not in job.notes]
    certs, cert_dir = job.certs, job.cert_dir
    docker_host = f"{job.client_ip}:{job.config.docker_port}"
    return CreateResult(
        id=job.config.vch_id, name=job.name, vm=job.vm._moId, client_ip=job.client_ip, docker_host=docker_host,
        admin_portal=f"https://{job.client_ip}:{ADMIN_PORT}",
        docker_env=certs.docker_env(job.cert_files and cert_dir and str(_abs(cert_dir)) or None, job.client_ip),
        certs=certs, cert_files=job.cert_files, log_path=job.log_path, warnings=job.notes)


def create(
    session: Session,
    spec: VchSpec,
    *,
    isos: CheckedIsos,
    timeout: float,
    sink: Sink | None = None,
    cancel_event: threading.Event | None = None,
    cert_dir: str | None = None,
    force: bool = False,
) -> CreateResult:
    """Validate ``spec`` against the target, then create the VCH (:func:`prepare`, then :func:`run`).

    :param isos: the checked appliance and bootstrap ISOs (``vic_machine.iso.check_isos``).
    :param timeout: seconds to wait for the VCH to answer on the Docker API once powered on.
    :param cert_dir: where to write the certificates (nothing is written when None).
    :param force: accepted for vic-machine's flag; ISO mismatches are settled by ``check_isos(force=…)``.
    :raise InputError: the spec itself is wrong. :raise ValidationFailed: it does not fit the target.
    :raise OperationFailed: a step failed or the run was cancelled; everything done was undone (or is listed
        in ``left``).
    """
    job = prepare(session, spec, isos=isos, timeout=timeout, cancel_event=cancel_event, cert_dir=cert_dir)
    return run(job, sink)


def _abs(path: str) -> str:
    from pathlib import Path

    return str(Path(path).expanduser().resolve())


def _execute(plan: Plan, ctx: RunContext, sink: Sink | None) -> RunContext:
    """Run the plan; a Ctrl-C that lands between steps (where the plan does not catch it) still rolls back."""
    current = {"step": plan.name}

    def emit(event) -> None:
        if event.kind == "step":
            current["step"] = event.step
        if sink is not None:
            sink(event)

    try:
        return plan.execute(ctx, emit)
    except KeyboardInterrupt as exc:
        # The plan converts interrupts inside a step; this one came between steps or from the sink.
        undone, left = Plan._rollback(ctx, sink or (lambda event: None), 0, len(plan.steps))
        raise OperationFailed(current["step"], Cancelled("interrupted (Ctrl-C)"), undone=undone,
                              left=left) from exc
