"""The simulated lab: routers served over real SSH on loopback, their DNS, their faults."""
