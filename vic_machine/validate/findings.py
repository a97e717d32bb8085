"""What validation reports: findings, each tied to a field and a wizard step, with a remedy."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem (or risk) found in a VCH specification against a vCenter.

    ``code`` is stable, for scripts and tests; ``path`` names the field in the VCH model; ``step`` the wizard
    step showing that field.
    """

    level: str
    code: str
    path: str
    step: str
    message: str
    remedy: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def error(code: str, path: str, step: str, message: str, remedy: str = "") -> Finding:
    return Finding(ERROR, code, path, step, message, remedy)


def warning(code: str, path: str, step: str, message: str, remedy: str = "") -> Finding:
    return Finding(WARNING, code, path, step, message, remedy)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == ERROR for f in findings)
