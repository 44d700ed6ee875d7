"""Benchmarks for the analysis package: synthetic dumps at scale and per-stage timings."""
