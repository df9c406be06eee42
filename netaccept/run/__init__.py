"""A run: the pytest plugin's hooks, capture, processes and shards, interrupts, the
technician's terminal.
"""
