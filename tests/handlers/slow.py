"""Calls a slow downstream service for long filenames: runs past the deadline."""

import time


def handle(event):
    if len(event["data"].get("filename", "")) > 1000:
        time.sleep(30)  # BUG: blocks far beyond any webhook timeout
