"""End to end over real SSH: the simulated lab on loopback, started and stopped by the tests."""
