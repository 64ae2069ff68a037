"""Reads address 0 through ctypes: the process dies of SIGSEGV."""

import ctypes


def handle(event):
    ctypes.string_at(0)  # HOSTILE
