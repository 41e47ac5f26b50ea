"""Gradient health: what is measured in every trial (probe) and what it means (rules)."""
