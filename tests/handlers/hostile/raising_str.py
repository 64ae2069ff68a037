"""Raises an exception whose __str__ (and __repr__) raise too."""


class Nasty(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def handle(event):
    raise Nasty()  # HOSTILE
