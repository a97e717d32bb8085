"""The server's settings and their defaults; ``create_app(config)`` overrides any of them."""

DEFAULTS = {
    # Pinned vCenter certificates: "host[:port]" → SHA-1 or SHA-256 thumbprint. A request may instead carry
    # ?thumbprint= (as vic-machine-server allowed); a target with neither is refused.
    "VCENTER_THUMBPRINTS": {},
    # Where the vSphere Client trades its session token for a clone ticket; {target} is the vCenter.
    "CLONE_TICKET_URL": "https://{target}/api/ui/vcenter/session/clone-ticket",
    # Seconds a user's vCenter session stays cached after its last use.
    "SESSION_TTL": 300,
    # Folder holding appliance.iso and bootstrap.iso for create; None: vic_machine.iso.default_isos().
    "ISO_DIR": None,
    "EXTENSION_KEY": "com.vmware.vic",
    # Seconds create waits for the VCH's Docker API.
    "CREATE_TIMEOUT": 180,
}
