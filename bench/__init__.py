"""Benchmarks: each script measures the project against a baseline in the same run (bench/README.md)."""
