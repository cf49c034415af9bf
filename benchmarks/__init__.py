"""Benchmark harness of issue 4: tiered instances, baselines side by side."""
