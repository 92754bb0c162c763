"""A disaster-relief SMS and voice hotline for mutual-aid groups."""
