"""Query parameters and headers of the API, for the OpenAPI document (views read ``request`` through the helpers),
and the blueprint class our views use: input it cannot read is 400, as in vic-machine-server 1.5.8."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser


class Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = Parser()

    def arguments(self, schema, *args, **kwargs):
        # webargs builds a schema given as a class on every request (a deep copy of each field): build it once.
        # Loading keeps no state on the schema, so requests share it.
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class PreferHeader(Schema):
    prefer = fields.String(data_key="Prefer", metadata={
        "description": "RFC 7240. Ours: `respond-async` answers 202 at once with the operation"})


class TargetArgs(Schema):
    """``?thumbprint=`` as vic-machine-server 1.5.8 takes it: it may only confirm the configured thumbprint."""

    thumbprint = fields.String(metadata={"description": "The vCenter's certificate thumbprint (SHA-1 or SHA-256); "
                                                        "one contradicting the configured one is refused"})


class ListArgs(TargetArgs):
    compute_resource = fields.String(data_key="compute-resource", metadata={
        "description": "Only the VCHs in this compute resource (path, name or managed object id)"})


class FirewallArgs(ListArgs):
    action = fields.String(metadata={"enum": ["firewall:allow", "firewall:deny"],
                                     "description": "POST: open or close the hosts' firewall for VCHs"})


class ActionArgs(TargetArgs):
    action = fields.String(required=True, metadata={"enum": ["upgrade", "debug"]})


class ConfigureArgs(TargetArgs):
    reset_progress = fields.String(metadata={"enum": ["true", "false"], "description": "Clear a stale "
                                                                                       "UpdateInProgress mark"})
    dry_run = fields.String(metadata={"enum": ["true", "false"],
                                      "description": "Only say what would change; change nothing"})


class StepArgs(TargetArgs):
    step = fields.String(metadata={"description": "Only this wizard step's findings",
                                   "enum": ["general", "compute", "storage", "networks", "security", "registry",
                                            "operations", "summary"]})
