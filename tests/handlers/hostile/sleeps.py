"""Blocks far past any deadline on every delivery."""

import time


def handle(event):
    time.sleep(600)  # HOSTILE
