"""A job that does nothing: the reference for how fast RQ itself drains a queue."""


def noop() -> None:
    return None
