"""The core models every layer shares: check ids and platform names, verdicts, evidence
records, exit codes, paths.
"""
