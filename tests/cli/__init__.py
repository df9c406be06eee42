"""The `netaccept` command as a user runs it, from the lab's recordings (replay): no SSH, no
lab.
"""
