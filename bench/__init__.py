"""Benchmarks, run by hand against a PostgreSQL database made for them (see docs/performance.md)."""
