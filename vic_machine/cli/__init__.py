"""The ``vic-machine`` command line: one module per command."""
