"""Writes to stdout without end."""

import sys


def handle(event):
    line = "x" * 65535 + "\n"
    while True:
        sys.stdout.write(line)  # HOSTILE
