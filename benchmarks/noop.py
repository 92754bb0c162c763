"""A job that does nothing: the reference for how fast RQ itself drains a queue."""


def noop(*_args: object) -> None:
    return None
