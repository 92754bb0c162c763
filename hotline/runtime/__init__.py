"""Runtime plumbing: services, settings, database, queues, clock, breaker, limits, workers."""
