"""Spins forever in pure Python, holding the GIL between switches."""


def handle(event):
    n = 0
    while True:  # HOSTILE
        n += 1
