"""REST API blueprints, one per resource."""
