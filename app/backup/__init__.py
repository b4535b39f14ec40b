"""Backup and restore: the whole database and the report files in one versioned archive."""
