"""Benchmark scripts and the quality harness; run them from the project root with `python -m benchmarks.NAME`."""
