"""Deployment core for virtual container hosts (VCHs): VIC Engine 1.5 compatible."""

__version__ = "0.1.0"
