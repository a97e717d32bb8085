"""The client certificate bundle of a VCH created through the plug-in, kept in vCenter, sealed.

vCenter is the only store, and a client private key must not be readable by whoever can read a VM's
configuration. So the bundle is sealed (NaCl secretbox) with a key derived from the plug-in server's own TLS
private key, which every replica behind a load balancer shares, and written to a hidden extraConfig key of the
VCH's endpoint VM (no ``guestinfo.`` prefix: invisible to the guest). VCHs created by vic-machine have no such
key: their bundle is the folder vic-machine wrote.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import nacl.exceptions
import nacl.secret
import nacl.utils
from pyVmomi import vim

from vic_machine.vsphere.collector import retrieve_objects
from vic_machine.vsphere.faults import vsphere_call
from vic_machine.vsphere.session import Session
from vic_machine.vsphere.tasks import wait_for_task

KEY = "vic-plugin/client-bundle"


def derive_key(server_key_pem: bytes) -> bytes:
    """32 bytes for secretbox, bound to this purpose, from the server's private key."""
    return hmac.new(server_key_pem, b"vic-plugin client bundle v1", hashlib.sha256).digest()


def seal(bundle: bytes, key: bytes) -> str:
    return base64.b64encode(nacl.secret.SecretBox(key).encrypt(bundle)).decode()


def open_sealed(value: str, key: bytes) -> bytes | None:
    try:
        return nacl.secret.SecretBox(key).decrypt(base64.b64decode(value))
    except (nacl.exceptions.CryptoError, ValueError):
        return None


def store(session: Session, vm: vim.VirtualMachine, bundle: bytes, key: bytes) -> None:
    spec = vim.vm.ConfigSpec(extraConfig=[vim.option.OptionValue(key=KEY, value=seal(bundle, key))])
    with vsphere_call("keep the client certificate bundle", obj=vm._moId):
        task = vm.ReconfigVM_Task(spec=spec)
    wait_for_task(task, "keep the client certificate bundle", vm._moId)


def load(session: Session, vm: vim.VirtualMachine, key: bytes) -> bytes | None:
    """The bundle, or None when this VCH has none (or another server's key sealed it)."""
    props = retrieve_objects(session.content, [vm], ["config.extraConfig"]).get(vm, {})
    values = [o.value for o in props.get("config.extraConfig") or [] if o.key == KEY and o.value]
    return open_sealed(values[-1], key) if values else None
