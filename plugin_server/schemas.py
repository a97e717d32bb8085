"""Schemas shared by the API's OpenAPI document."""

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every error response: what went wrong, a stable code, and messages per field path for bad input."""

    message = fields.String(required=True)
    code = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    undone = fields.List(fields.String())
    left = fields.List(fields.String())
