"""Benchmarks and the calibration script of the matcher (not part of the test run)."""
