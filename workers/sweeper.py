"""RQ job: sweep now (a channel came back, or an operator asked)."""

from hotline.runtime.services import current
from hotline.sweeper import sweep as _sweep


def sweep() -> None:
    _sweep(current())
