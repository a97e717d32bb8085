"""``Prefer`` (RFC 7240): how a client asks for our answers instead of vic-machine-server 1.5.8's.

- ``respond-async``: create and delete answer 202 at once with the operation (progress as server-sent events at
  ``/container/operations/{id}/events``) instead of 1.5.8's answer once the work is done. Our views send it.
- ``return=representation``: a firewall change answers 200 with the hosts' state instead of 1.5.8's 204.

An applied preference is named in ``Preference-Applied``.
"""

from __future__ import annotations

from flask import request

RESPOND_ASYNC = "respond-async"
REPRESENTATION = "return=representation"


def preferences() -> set[str]:
    """The preferences the request names, lower case, without their parameters (``return=representation``)."""
    out = set()
    for header in request.headers.getlist("Prefer"):
        for item in header.split(","):
            token = item.split(";", 1)[0].strip().lower().replace(" ", "")
            if token:
                out.add(token)
    return out


def wants(preference: str) -> bool:
    return preference in preferences()


def applied(preference: str) -> dict[str, str]:
    return {"Preference-Applied": preference}


def wait(op) -> None:
    """Block until the operation ``op`` (started by this request) has finished."""
    with op.changed:
        while not op.finished:
            op.changed.wait(1)
