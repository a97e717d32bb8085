"""Clients of the simulator's control endpoints; the license one (``<control_url>/license``) lives here.

vcsim reports the evaluation license (features ``serialuri:2`` and ``dvs``) for every host. ``set`` makes
``LicenseAssignmentManager.QueryAssignedLicenses`` report exactly the given features, for one host or for
all of them; ``reset`` restores the evaluation license.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any


class ControlEndpoint:
    """One endpoint of the simulator's control API (``<control_url>/<name>``), JSON in and out."""

    name = ""

    def __init__(self, control_url: str) -> None:
        self.url = control_url.rstrip("/") + "/" + self.name
        # Our own simulator on loopback with a fresh self-signed certificate.
        self._ssl = ssl.create_default_context()
        self._ssl.check_hostname = False
        self._ssl.verify_mode = ssl.CERT_NONE

    def _call(self, verb: str, payload: dict[str, Any] | None = None) -> Any:
        """:raise ValueError: the simulator refused, with its reason."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.url, data=data, method=verb)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            try:
                detail = json.load(exc).get("error", exc.reason)
            except ValueError:
                detail = exc.reason
            raise ValueError(f"the simulator refused ({self.name}): {detail}") from None


class LicenseClient(ControlEndpoint):
    """Set, read and reset the license features the simulator assigns to hosts."""

    name = "license"

    def set(self, features: list[str], host: str = "") -> dict[str, Any]:
        """Assign exactly ``features`` to host id ``host`` (``"host-34"``), or to every host when empty.

        :raise ValueError: the simulator refused (no such host, ...).
        """
        return self._call("POST", {"host": host, "features": list(features)})

    def get(self) -> dict[str, Any]:
        """``{"all": features or None (evaluation license), "hosts": {host id: features}}``."""
        return self._call("GET")

    def reset(self) -> None:
        """Every host gets the evaluation license again."""
        self._call("DELETE")
