"""Holds ever more memory until it cannot get any more."""

HELD = []


def handle(event):
    while True:
        HELD.append(bytearray(8 * 2**20))  # HOSTILE
