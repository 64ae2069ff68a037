"""Defaults an absent field but forgets it may be present and null."""


def handle(event):
    data = event["data"]
    if event["type"].startswith("agent.chat.session."):
        title = data.get("title", "untitled").strip()  # BUG: title may be null
        return title
    return None
