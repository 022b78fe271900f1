"""Backup and restore of a whole instance: every table's rows, the files they name, one archive."""
