"""Exits with status 3 while being imported."""

import sys

sys.exit(3)


def handle(event):
    pass
