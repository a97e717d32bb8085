"""The server's settings and their defaults; ``create_app(config)`` overrides any of them."""

DEFAULTS = {
    # The vCenters this server acts on, with their pinned certificates: "host[:port]" → SHA-1 or SHA-256
    # thumbprint. Any other target is refused before a connection is opened; ?thumbprint= cannot add one.
    "VCENTER_THUMBPRINTS": {},
    # Where the vSphere Client trades its session token for a clone ticket; {target} is the vCenter. Whatever
    # host it names must present that vCenter's pinned certificate before the token is sent.
    "CLONE_TICKET_URL": "https://{target}/api/ui/vcenter/session/clone-ticket",
    # Seconds a user's vCenter session stays cached from its creation (using it does not renew it).
    "SESSION_TTL": 300,
    # Seconds after which a cached session is checked with vCenter again before use (writes always check):
    # a session the user logged out of answers 401 within this time.
    "SESSION_REVALIDATE": 30,
    # Folder holding appliance.iso and bootstrap.iso for create; None: vic_machine.iso.default_isos().
    "ISO_DIR": None,
    "EXTENSION_KEY": "com.vmware.vic",
    # Open operation event streams (each holds a worker thread while open): per user, and in all. `vic-plugin
    # serve` sets MAX_STREAMS from --threads, keeping threads free for every other request.
    "MAX_STREAMS_PER_USER": 8,
    "MAX_STREAMS": 24,
    # The largest request body accepted, in bytes (413 beyond); `vic-plugin serve --max-request-size`.
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    # How deep a JSON body may nest (400 beyond): the VCH model needs a handful of levels.
    "MAX_JSON_DEPTH": 32,
    # Origins allowed to frame the views besides 'self' and the configured vCenters (`--frame-ancestor`).
    "FRAME_ANCESTORS": [],
    # Seconds create waits for the VCH's Docker API.
    "CREATE_TIMEOUT": 180,
    # Seconds between the heartbeats a worker writes into each running operation's vCenter task; any replica
    # reads an operation whose heartbeat stopped for 4 of them (plus 2 s) as failed (`--operation-heartbeat`).
    "OPERATION_HEARTBEAT": 5.0,
    # Seconds between keep-alive comments on a quiet event stream, from whichever replica serves it: below any
    # proxy's idle timeout (`--stream-keepalive`; deploy/haproxy.cfg allows 60 s).
    "STREAM_KEEPALIVE": 15.0,
    # Worker threads per process (`vic-plugin serve` sets it): /container/health answers busy when all are taken.
    "THREADS": None,
    # This replica's name, sent as X-Vic-Replica and in /container/health (`--replica-name`); empty: none sent.
    "REPLICA_NAME": "",
}
