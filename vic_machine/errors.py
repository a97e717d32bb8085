"""The core's own errors.

Every error a front end may show carries what failed, on which object, and what the user can do about it.
Front ends print ``str(error)`` (or ``error.to_dict()``) and never a stack trace.
"""

from __future__ import annotations

from dataclasses import dataclass


class VicError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, remedy: str = "", obj: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.remedy = remedy
        self.obj = obj

    def __str__(self) -> str:
        text = self.message
        if self.obj:
            text = f"{text} ({self.obj})"
        if self.remedy:
            text = f"{text}. {self.remedy}" if not text.endswith(".") else f"{text} {self.remedy}"
        return text

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "object": self.obj, "remedy": self.remedy}


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, named by its path in the VCH model (``network.bridge.ip_range``)."""

    path: str
    message: str


class InputError(VicError):
    """Bad input, found before anything touched vCenter."""

    code = "invalid_input"

    def __init__(self, errors: list[FieldError] | FieldError) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        summary = "; ".join(f"{e.path}: {e.message}" for e in self.errors)
        super().__init__(f"Invalid input: {summary}")

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for err in self.errors:
            out.setdefault(err.path, []).append(err.message)
        return out


class TargetError(VicError):
    """The vCenter target cannot be reached, trusted or logged in to."""

    code = "target"


class UntrustedCertificate(TargetError):
    """The target's certificate does not match (or no thumbprint was given)."""

    code = "untrusted_certificate"

    def __init__(self, target: str, sha1: str, sha256: str, *, given: str = "") -> None:
        self.sha1 = sha1
        self.sha256 = sha256
        if given:
            message = f"The certificate of {target} does not match the thumbprint {given}"
        else:
            message = f"The certificate of {target} is not trusted yet"
        super().__init__(
            message,
            remedy=(
                f"Its SHA-256 thumbprint is {sha256} and its SHA-1 thumbprint is {sha1}. "
                "If that is your vCenter, pass --thumbprint with one of them "
                "(or set VIC_MACHINE_THUMBPRINT), or use --force to skip the check"
            ),
        )


class AuthenticationError(TargetError):
    code = "authentication"


class NotFound(VicError):
    code = "not_found"


class Conflict(VicError):
    code = "conflict"


class PermissionDenied(VicError):
    code = "permission_denied"


class VSphereError(VicError):
    """A vSphere call failed; ``fault`` holds the vSphere fault's type name (``InvalidArgument``)."""

    code = "vsphere"

    def __init__(self, message: str, *, fault: str = "", remedy: str = "", obj: str = "") -> None:
        super().__init__(message, remedy=remedy, obj=obj)
        self.fault = fault


class OperationFailed(VicError):
    """A long operation failed at a named step; ``undone`` lists what was rolled back."""

    code = "operation_failed"

    def __init__(self, step: str, cause: Exception, undone: list[str] | None = None, left: list[str] | None = None):
        self.step = step
        self.cause = cause
        self.undone = list(undone or [])
        self.left = list(left or [])
        text = f"Step '{step}' failed: {cause}"
        if self.undone:
            text += f". Undone: {', '.join(self.undone)}"
        if self.left:
            text += f". Left behind, remove by hand: {', '.join(self.left)}"
        super().__init__(text)


class Cancelled(Exception):
    """Raised inside a running plan when the user asked to stop."""

    def __init__(self, reason: str = "cancelled by the user") -> None:
        super().__init__(reason)
        self.reason = reason
