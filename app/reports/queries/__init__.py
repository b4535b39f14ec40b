"""The indicators of the annual report: SQL building blocks, aggregates, summaries and their dataclasses."""
