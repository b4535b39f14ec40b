"""The scheduler process: cron jobs (the annual SPASER report) with a persistent job store."""
