"""Raises while being imported, with a message over several lines."""

raise RuntimeError("no database\nconfigured")


def handle(event):
    pass
