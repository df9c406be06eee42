"""The quick tier: readers, facts, configuration rules, every check's decisions, inventory
errors, ledger, schemas, signing. No SSH, no lab, no browser; `pytest tests/unit` in well
under a minute.
"""
