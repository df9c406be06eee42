"""The Schedule 2 acceptance checks, one module per area, each a pytest test per device."""
