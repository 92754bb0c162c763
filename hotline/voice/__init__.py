"""The voice hotline: keypad menus that turn a phone call into the same request as a text."""
