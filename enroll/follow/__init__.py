"""Telling families: following an address by e-mail, the mail queue, and what changed for them."""
