"""What a run leaves behind: certificates (HTML, JSON, XML, PDF), signatures and their
verification, merged shards.
"""
