"""Uses a JSON number as a Python int (a page range): fails on fractional numbers."""


def handle(event):
    if event["type"] == "vault.object.append.completed":
        pages = range(1, event["data"]["pageCount"] + 1)  # BUG: numbers may be floats
        return pages
    return None
