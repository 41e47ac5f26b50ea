"""Benchmarks: each prints a markdown table of ratios and writes it to benchmarks/results/."""
