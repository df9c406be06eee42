"""Talking to a router: SSH sessions, host keys, the read-only command allow-list, masking, the
harness's own DNS lookups.
"""
