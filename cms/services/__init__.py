"""Use cases: plain async functions with a keyword-only session, shared by GraphQL, CLI and jobs."""
