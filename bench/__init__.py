"""Benchmarks (`whyrec bench ...`): where speed and accuracy targets are measured, side by side."""
