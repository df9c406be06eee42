"""Bad input: generated inventories and mutated real router outputs."""
