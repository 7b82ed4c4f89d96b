class BackupError(Exception):
    """A backup, check or restore that could not be done; its message says why, for a person."""
