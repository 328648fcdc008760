"""Moving a newsroom in and out: our NDJSON export and import, and the WordPress import."""
