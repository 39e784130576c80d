"""Benchmarks: they report figures and assert nothing. Run with ``make bench``."""
