"""The `netaccept` command."""
