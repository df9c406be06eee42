"""netaccept: Schedule 2 router acceptance tests, run over SSH, written up as certificates."""

__version__ = "0.1.0"
