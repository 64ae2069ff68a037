"""Forks a child that outlives the delivery while holding the inherited output open."""

import os
import time


def handle(event):
    if os.fork() == 0:  # HOSTILE
        time.sleep(600)
        os._exit(0)
