"""Site search over everything published."""
