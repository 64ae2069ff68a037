"""Ends its process with status 0, skipping every cleanup."""

import os


def handle(event):
    os._exit(0)  # HOSTILE
