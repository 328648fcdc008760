"""The benchmark: a seeded dataset, ceilings to compare against, and a wrk driver (never a test)."""
