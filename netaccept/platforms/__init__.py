"""What each platform's routers print and how it becomes typed facts: readers, configuration
rules, and one package per platform.
"""
