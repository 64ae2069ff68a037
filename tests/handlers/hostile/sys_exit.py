"""Asks its process to exit with status 0 while handling a delivery."""

import sys


def handle(event):
    sys.exit(0)  # HOSTILE
