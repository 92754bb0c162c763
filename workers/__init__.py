"""RQ job entry points: each loads by id and calls into the hotline package."""
