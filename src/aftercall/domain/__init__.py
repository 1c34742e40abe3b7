"""Frozen data and pure functions: no I/O, no framework."""
